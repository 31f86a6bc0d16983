"""Forms for people pages; messages are written for the person filling them in."""

from __future__ import annotations

import codecs
from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils import timezone

from afterclass.core.errors import InvalidInput
from afterclass.people.actions import (
    InvitationRow,
    email_domain_allowed,
    parse_invitation_csv,
    parse_invitation_text,
    usable_invitation_for,
)
from afterclass.people.models import (
    Department,
    ErasedContent,
    ManagementLevel,
    Person,
    TokenScope,
    TwoFactorRequirement,
)
from afterclass.people.queries import MAX_QUERY_LENGTH

MAX_CSV_BYTES = 1024 * 1024


def _limits(label: str, max_length: int) -> dict[str, str]:
    return {
        "required": f"{label} cannot be empty.",
        "max_length": f"{label} can be at most {max_length} characters.",
    }


def department_choices(tree: list[Department]) -> list[tuple[str, str]]:
    """Departments with their teams under them, from `queries.department_tree()`."""
    choices: list[tuple[str, str]] = []
    for department in tree:
        choices.append((str(department.pk), department.name))
        for team in getattr(department, "team_list", []):
            choices.append((str(team.pk), f"{department.name} / {team.name}"))
    return choices


def _by_id[T: (Department, ManagementLevel)](items: list[T]) -> dict[int, T]:
    return {item.pk: item for item in items}


def flat_departments(tree: list[Department]) -> dict[int, Department]:
    flat = [d for department in tree for d in [department, *getattr(department, "team_list", [])]]
    return _by_id(flat)


SIGNUP_REFUSED = (
    "Only invited people can join. Use the address your invitation was sent to, "
    "or ask an organisation admin to invite you."
)


def may_register(email: str) -> bool:
    """Only an address with a usable invitation, or at one of the allowed domains, may join."""
    address = email.strip().lower()
    return usable_invitation_for(address) is not None or email_domain_allowed(address)


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form, and the rule of who may sign up.

    allauth makes this the base class of its sign-up form, so `clean` runs there too.
    """

    display_name = forms.CharField(
        label="Your name",
        max_length=120,
        help_text="As colleagues will see it.",
        error_messages=_limits("Your name", 120),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if email and not may_register(email):
            self.add_error("email", SIGNUP_REFUSED)
        return cleaned

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


# --- The directory and the people list ----------------------------------------------------


class PeopleFilterForm(forms.Form):
    """Search by name, job title, department or interests; filter by department (with its
    teams) and level."""

    q = forms.CharField(
        label="Search people",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages=_limits("The search", MAX_QUERY_LENGTH),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": "Name, job title, team or interest",
            }
        ),
    )
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    level = forms.TypedChoiceField(label="Level", required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        data: Any,
        *,
        departments: list[Department],
        levels: list[ManagementLevel],
        search_url: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        # Live results: typing (debounced) or changing a filter asks for the results again;
        # the <form> around them says where they go (hx-target, hx-include, hx-push-url).
        self.fields["q"].widget.attrs.update(
            {"hx-get": search_url, "hx-trigger": "input changed delay:300ms, search"}
        )
        for name in ("department", "level", "status"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"hx-get": search_url, "hx-trigger": "change"}
                )
        department_field = cast(forms.TypedChoiceField, self.fields["department"])
        level_field = cast(forms.TypedChoiceField, self.fields["level"])
        department_field.choices = [("", "All departments"), *department_choices(departments)]
        level_field.choices = [("", "All levels")] + [
            (str(level.pk), level.name) for level in levels
        ]


class ManagePeopleFilterForm(PeopleFilterForm):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everyone, deactivated too"), ("active", "Active people only")],
    )


# --- My profile and tokens ----------------------------------------------------------------


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Your name", max_length=120, error_messages=_limits("Your name", 120)
    )
    job_title = forms.CharField(
        label="Job title",
        required=False,
        max_length=120,
        error_messages=_limits("The job title", 120),
    )
    bio = forms.CharField(
        label="About you",
        required=False,
        max_length=600,
        help_text="A few lines: what you work on, what you can help with. At most 600 characters.",
        error_messages=_limits("About you", 600),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    interests = forms.CharField(
        label="Interests",
        required=False,
        max_length=1000,
        help_text="Separate them with commas, e.g. data, coaching, public speaking.",
        error_messages=_limits("Interests", 1000),
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="New picture",
        help_text="JPEG, PNG, GIF or WebP, up to 5 MB. It is cut down to 256 pixels.",
        error_messages={"required": "Choose a picture to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class FillInDepartmentForm(forms.Form):
    """The welcome's department, for someone who has none yet (do_update_profile's
    FILL_IN_FIELDS: once set, only an organisation admin changes it)."""

    department = forms.TypedChoiceField(
        label="Department",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Where you work. Once it is set, an organisation admin changes it.",
    )

    def __init__(self, data: Any = None, *, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.by_id = flat_departments(departments)
        field = cast(forms.TypedChoiceField, self.fields["department"])
        field.choices = [("", "Choose your department"), *department_choices(departments)]

    def chosen(self) -> Department | None:
        department_id = self.cleaned_data.get("department")
        return self.by_id.get(department_id) if department_id else None


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=80,
        help_text="What it is for, e.g. “weekly report script”.",
        error_messages=_limits("The token name", 80),
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        required=False,  # left out: read only, the safer choice
        error_messages={"invalid_choice": "Choose what the token may do."},
    )

    def clean_scope(self) -> str:
        return str(self.cleaned_data.get("scope") or TokenScope.READ)

    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        help_text="Optional, at most a year from today. After this day the token stops working.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Type a date like 2027-03-31, or leave it empty."},
    )

    def expires_at(self) -> datetime | None:
        """The end of the chosen day, in the site's time zone."""
        day: date | None = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))


# --- Accepting an invitation --------------------------------------------------------------


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(
        label="Your name",
        max_length=120,
        help_text="As colleagues will see it.",
        error_messages=_limits("Your name", 120),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password a second time."},
    )

    def __init__(self, data: Any = None, *, email: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            # Checked against the name and address so "similar to your e-mail" is caught.
            candidate = Person(email=self.email, display_name=cleaned.get("display_name", ""))
            try:
                validate_password(first, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# --- Organisation admin -------------------------------------------------------------------


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name", max_length=120, error_messages=_limits("The name", 120)
    )
    logo = forms.FileField(
        label="New logo",
        required=False,
        help_text="Optional. JPEG, PNG, GIF or WebP, up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    allowed_domains = forms.CharField(
        label="Allowed e-mail domains",
        required=False,
        max_length=2000,
        help_text=(
            "Anyone with an address at these domains can create an account without an "
            "invitation. One per line, e.g. example.org. Leave empty to allow invited people only."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anyone_can_create_spaces = forms.BooleanField(
        label="Anyone can create spaces",
        required=False,
        help_text="When off, only organisation admins create spaces.",
    )
    two_factor_required_for = forms.ChoiceField(
        label="Require two-factor sign-in for",
        choices=TwoFactorRequirement.choices,
        widget=forms.RadioSelect,
        required=False,  # left out: unchanged
        help_text=(
            "Who must use an authenticator app or a security key besides their password. They "
            "are led to set one up right after signing in, and can do nothing else until they "
            "have. People who sign in through your identity provider are not asked."
        ),
        error_messages={"invalid_choice": "Choose who must use two-factor sign-in."},
    )
    erased_content = forms.ChoiceField(
        label="When a person is erased, their posts, comments and answers are",
        choices=ErasedContent.choices,
        widget=forms.RadioSelect,
        required=False,  # left out: unchanged
        help_text=(
            "The choice each erasure starts with (Manage → People → a person → Erase); the admin "
            "erasing someone may choose otherwise. Kept content shows “Former colleague” instead "
            "of their name."
        ),
        error_messages={"invalid_choice": "Choose what becomes of an erased person's content."},
    )

    def clean_allowed_domains(self) -> list[str]:
        text: str = self.cleaned_data.get("allowed_domains", "")
        return [item.strip() for item in text.replace(",", "\n").splitlines() if item.strip()]


class LevelsForm(forms.Form):
    levels = forms.CharField(
        label="Management levels",
        max_length=2000,
        help_text="One per line, most junior first.",
        error_messages={"required": "Keep at least one management level."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_levels(self) -> list[str]:
        text: str = self.cleaned_data.get("levels", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class DepartmentForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=120, error_messages=_limits("The department name", 120)
    )
    parent = forms.TypedChoiceField(
        label="Inside",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave as “A new department” to add a department, or choose one to add a team.",
    )

    def __init__(self, data: Any = None, *, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        parent = cast(forms.TypedChoiceField, self.fields["parent"])
        parent.choices = [("", "A new department")] + [
            (str(department.pk), department.name) for department in departments
        ]


class RenameDepartmentForm(forms.Form):
    name = forms.CharField(
        label="New name", max_length=120, error_messages=_limits("The department name", 120)
    )


class PersonAdminForm(forms.Form):
    """What an admin sets for someone: name, job title, department and level."""

    display_name = forms.CharField(
        label="Name", max_length=120, error_messages=_limits("The name", 120)
    )
    job_title = forms.CharField(
        label="Job title",
        required=False,
        max_length=120,
        error_messages=_limits("The job title", 120),
    )
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    level = forms.TypedChoiceField(
        label="Management level", required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        data: Any = None,
        *,
        departments: list[Department],
        levels: list[ManagementLevel],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.department_by_id = flat_departments(departments)
        self.level_by_id = _by_id(levels)
        department = cast(forms.TypedChoiceField, self.fields["department"])
        level = cast(forms.TypedChoiceField, self.fields["level"])
        department.choices = [("", "No department"), *department_choices(departments)]
        level.choices = [("", "No level")] + [(str(item.pk), item.name) for item in levels]

    def changes(self) -> dict[str, Any]:
        """The cleaned values as the action takes them (model objects, not ids)."""
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "job_title": data["job_title"],
            "department": self.department_by_id.get(data["department"] or 0),
            "level": self.level_by_id.get(data["level"] or 0),
        }


class InvitationForm(forms.Form):
    """Paste addresses, or upload a CSV with a header row: email, name, department, level."""

    emails = forms.CharField(
        label="E-mail addresses",
        required=False,
        max_length=50_000,
        help_text="One per line, or separated by commas.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(
        label="Or a CSV file",
        required=False,
        help_text=(
            "With a header row: email,name,department,level. Only email is required; "
            "department and level must match the names used here."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("emails") or "").strip()
        upload = cleaned.get("file")
        if self.errors:
            return cleaned
        if text and upload:
            raise forms.ValidationError("Paste addresses or upload a file, not both.")
        if not text and not upload:
            raise forms.ValidationError("Paste some e-mail addresses or choose a CSV file.")
        try:
            cleaned["rows"] = parse_invitation_text(text) if text else self._read_csv(upload)
        except InvalidInput as error:
            self.add_error("emails" if text else "file", error.message)
        return cleaned

    @property
    def source_field(self) -> str:
        return "file" if self.cleaned_data.get("file") else "emails"

    @staticmethod
    def _read_csv(upload: Any) -> list[InvitationRow]:
        if upload.size > MAX_CSV_BYTES:
            raise InvalidInput("The CSV file is larger than 1 MB.", field="file")
        rows = parse_invitation_csv(_csv_text(upload.read()))
        if not rows:
            raise InvalidInput("The CSV file has a header but no addresses.", field="file")
        return rows


def _csv_text(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 (with or without a byte order mark), or UTF-16 with
    its mark, as spreadsheet programs save "Unicode text"; anything else is refused, saying
    on which line the first character that is not UTF-8 is."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InvalidInput(
                "This file says it is UTF-16 text but is damaged. Save it as “CSV UTF-8” and "
                "try again.",
                field="file",
            ) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInput(
            f"This file is not UTF-8 text: line {line} has a character that cannot be read "
            "(the file may be in another encoding, or be a spreadsheet rather than a CSV). "
            "Save it as “CSV UTF-8” and try again.",
            field="file",
        ) from error
