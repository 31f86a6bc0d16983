"""The forms of Manage → Sign-in: an OpenID Connect provider, a SAML 2.0 provider, and the password
policy."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from afterclass.people.models import Person


class ProviderForm(forms.Form):
    name = forms.CharField(
        label="Name on the button",
        max_length=40,
        help_text="People see “Sign in with” and this name, e.g. “Entra ID”.",
        error_messages={"required": "Give the provider a name."},
    )
    server_url = forms.URLField(
        label="Issuer (server) URL",
        max_length=300,
        assume_scheme="https",
        help_text="Where its /.well-known/openid-configuration is, e.g. "
        "https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0",
        error_messages={
            "required": "Enter the provider's issuer URL.",
            "invalid": "Enter the issuer as a full address starting with https://.",
        },
    )
    client_id = forms.CharField(
        label="Client ID",
        max_length=191,
        error_messages={"required": "Enter the client ID the provider gave you."},
    )
    secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    job_title_claim = forms.CharField(
        label="Job title claim", max_length=60, required=False, initial="job_title"
    )
    department_claim = forms.CharField(
        label="Department claim", max_length=60, required=False, initial="department"
    )

    def __init__(self, *args: Any, secret_hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secret"].help_text = (
            f"Stored: {secret_hint}. Leave empty to keep it."
            if secret_hint
            else "Never shown again once saved."
        )


class PolicyForm(forms.Form):
    password_sign_in = forms.BooleanField(
        label="People may also sign in with a password",
        required=False,
        help_text="When off, only the admins chosen below may sign in with a password.",
    )
    break_glass = forms.ModelMultipleChoiceField(
        label="Break-glass admins",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They may still sign in with a password if the identity provider is down.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Person]", self.fields["break_glass"])
        field.queryset = Person.objects.active().filter(is_org_admin=True)


class SamlProviderForm(forms.Form):
    """A SAML 2.0 identity provider: its metadata by address or pasted, and where its attributes
    put what we keep."""

    name = forms.CharField(
        label="Name on the button",
        max_length=40,
        help_text="People see “Sign in with” and this name, e.g. “Okta”.",
        error_messages={"required": "Give the provider a name."},
    )
    entity_id = forms.CharField(
        label="Identity provider's entity ID",
        max_length=300,
        required=False,
        help_text="As its metadata says (entityID). May be left empty when the metadata is pasted.",
    )
    metadata_url = forms.URLField(
        label="Metadata URL",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Where the provider publishes its SAML metadata (federation metadata).",
        error_messages={"invalid": "Enter the metadata's full address, starting with https://."},
    )
    metadata_xml = forms.CharField(
        label="Or the metadata itself (XML)",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Paste it when the provider gives a file rather than an address.",
    )
    email_attribute = forms.CharField(
        label="E-mail attribute",
        max_length=200,
        required=False,
        help_text="Empty: the usual names (email, emailaddress), else the NameID.",
    )
    name_attribute = forms.CharField(
        label="Name attribute", max_length=200, required=False, initial="name"
    )
    job_title_attribute = forms.CharField(
        label="Job title attribute", max_length=200, required=False, initial="job_title"
    )
    department_attribute = forms.CharField(
        label="Department attribute", max_length=200, required=False, initial="department"
    )
    level_attribute = forms.CharField(
        label="Management level attribute",
        max_length=200,
        required=False,
        initial="level",
        help_text="Its value is matched to one of your management levels by name.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields[
                "metadata_xml"
            ].help_text = "Paste new metadata to replace what is stored; leave empty to keep it."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.editing:
            return data
        if not data.get("metadata_url") and not (data.get("metadata_xml") or "").strip():
            self.add_error(
                "metadata_url", "Give the provider's metadata URL, or paste its metadata below."
            )
        return data
