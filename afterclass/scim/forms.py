"""The form of the Provisioning (SCIM) page."""

from django import forms


class ProvisioningTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=80,
        help_text="Which identity provider uses it, e.g. “Entra ID”.",
        error_messages={
            "required": "Give the token a name.",
            "max_length": "The token name can be at most 80 characters.",
        },
    )
