"""Forms for the space pages. They parse what a person typed; the rules live in the actions."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from afterclass.core.forms import show_action_error as show_action_error_in
from afterclass.core.images import ALLOWED_FORMATS, MAX_UPLOAD_BYTES
from afterclass.people.access import people_visible_to
from afterclass.people.models import Department, Person
from afterclass.spaces.models import (
    TEMPLATE_PRESETS,
    AnonymousQuestions,
    Audience,
    JoinPolicy,
    Mode,
    Space,
    Status,
    Template,
    Visibility,
)

TEMPLATE_DESCRIPTIONS: dict[str, str] = {
    Template.DISCUSSION: "threaded discussions and questions, like a professional network group",
    Template.COURSE: (
        "follow-up to a training session: discussions, reading and attachments, activities "
        "that build on the session; suits approving who joins"
    ),
    Template.TIPS: "short updates of up to 280 characters with hashtags, quick to read",
    Template.VISUAL: "pictures with captions and comments, shown as a grid",
}
LAYOUT_NAMES: dict[str, str] = {
    "threads": "threads",
    "stream": "a stream",
    "grid": "a grid of pictures",
}
MAX_INVITE_ADDRESSES = 200

# Field names used by the actions' errors that are called differently on the forms.
ERROR_FIELDS = {
    "questions": "membership_questions",
    "ground rules": "rules",
    "body": "rules",
    "image": "cover",
    "answers": None,
}


def template_choices() -> list[tuple[str, str]]:
    """Each template with what it presets, so the choice explains itself."""
    choices = []
    for value, label in Template.choices:
        preset = TEMPLATE_PRESETS[value]
        kinds = preset["post_kinds"]
        kind_list = ", ".join(str(kind) for kind in kinds) if isinstance(kinds, list) else ""
        layout = LAYOUT_NAMES.get(str(preset["layout"]), str(preset["layout"]))
        choices.append(
            (
                str(value),
                f"{label}: {TEMPLATE_DESCRIPTIONS[value]}. Posts: {kind_list}. Feed: {layout}.",
            )
        )
    return choices


# An action's refusal next to the field it is about (core.forms), in this app's field names.
show_action_error = functools.partial(show_action_error_in, renamed=ERROR_FIELDS)


# The form fields are generic only in django-stubs; at run time they cannot be subscripted.
if TYPE_CHECKING:
    _DepartmentChoice = forms.ModelChoiceField[Department]
    _DepartmentsChoice = forms.ModelMultipleChoiceField[Department]
else:
    _DepartmentChoice = forms.ModelChoiceField
    _DepartmentsChoice = forms.ModelMultipleChoiceField


class DepartmentChoiceField(_DepartmentChoice):
    def label_from_instance(self, obj: Department) -> str:
        return obj.path


class DepartmentsField(_DepartmentsChoice):
    def label_from_instance(self, obj: Department) -> str:
        return obj.path


def departments() -> Any:
    return Department.objects.select_related("parent").order_by("parent__name", "name")


class SpaceForm(forms.Form):
    """A space's settings, as on the create and settings pages."""

    name = forms.CharField(max_length=80, help_text="Short and specific, e.g. “Excel tips”.")
    slug = forms.CharField(
        label="Address",
        max_length=60,
        required=False,
        help_text=(
            "Lowercase letters, digits and hyphens; used in the space's link. "
            "Leave empty to make one from the name."
        ),
    )
    description = forms.CharField(
        max_length=280,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences shown in the space directory.",
    )
    purpose = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One paragraph: what this space is for and what people will get from it.",
    )
    mode = forms.ChoiceField(choices=Mode.choices, widget=forms.RadioSelect)
    audience = forms.ChoiceField(choices=Audience.choices, widget=forms.RadioSelect)
    audience_departments = DepartmentsField(
        label="Departments",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="When the audience is departments: which ones.",
    )
    template = forms.ChoiceField(
        choices=template_choices,
        widget=forms.RadioSelect,
        help_text="The template sets which kinds of posts are allowed and how the feed looks.",
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, widget=forms.RadioSelect)
    join_policy = forms.ChoiceField(
        label="Who can join", choices=JoinPolicy.choices, widget=forms.RadioSelect
    )
    membership_questions = forms.CharField(
        label="Membership questions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One question per line, asked when someone requests to join (at most 5).",
    )
    anonymous_questions = forms.ChoiceField(
        label="Anonymous questions",
        choices=AnonymousQuestions.choices,
        initial=AnonymousQuestions.OFF,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "Whether members may ask a question without their name. The identity is kept for "
            "abuse handling only."
        ),
    )
    target_weekly_active_pct = forms.IntegerField(
        label="Members active each week (%)", min_value=0, max_value=100, required=False
    )
    target_answer_rate_pct = forms.IntegerField(
        label="Questions answered (%)", min_value=0, max_value=100, required=False
    )
    target_answer_hours = forms.IntegerField(
        label="Answered within (hours)", min_value=1, max_value=720, required=False
    )
    target_completion_pct = forms.IntegerField(
        label="Activities completed (%)", min_value=0, max_value=100, required=False
    )
    cover = forms.ImageField(
        label="Cover picture",
        required=False,
        help_text="JPEG, PNG, GIF or WebP, up to 5 MB. Shown wide and short at the top.",
    )

    TARGETS = (
        "target_weekly_active_pct",
        "target_answer_rate_pct",
        "target_answer_hours",
        "target_completion_pct",
    )

    def __init__(self, *args: Any, require_slug: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(DepartmentsField, self.fields["audience_departments"]).queryset = departments()
        if require_slug:
            self.fields["slug"].required = True
            self.fields[
                "slug"
            ].help_text = "Lowercase letters, digits and hyphens. Changing it breaks old links."

    @classmethod
    def initial_for(cls, space: Space) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(space, name)
            for name in (
                "name",
                "slug",
                "description",
                "purpose",
                "mode",
                "audience",
                "template",
                "visibility",
                "join_policy",
                "anonymous_questions",
                *cls.TARGETS,
            )
        }
        initial["membership_questions"] = "\n".join(space.membership_questions or [])
        initial["audience_departments"] = list(space.audience_departments.all())
        return initial

    def clean_membership_questions(self) -> list[str]:
        text: str = self.cleaned_data.get("membership_questions") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean_cover(self) -> Any:
        cover = self.cleaned_data.get("cover")
        if not cover:
            return None
        if cover.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The picture is larger than 5 MB.")
        image = getattr(cover, "image", None)
        if image is not None and image.format not in ALLOWED_FORMATS:
            raise ValidationError("Use a JPEG, PNG, GIF or WebP picture.")
        return cover

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("audience") == Audience.DEPARTMENTS:
            if not cleaned.get("audience_departments"):
                self.add_error(
                    "audience_departments", "Choose at least one department for this audience."
                )
        else:
            cleaned["audience_departments"] = []
        return cleaned

    def space_fields(self) -> dict[str, Any]:
        """The cleaned fields as the actions take them (slug and departments apart)."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "description",
                "mode",
                "audience",
                "template",
                "visibility",
                "join_policy",
                "membership_questions",
                *self.TARGETS,
            )
        }
        # Left out when not sent (older forms, the API-like posts of tests): nothing changes.
        if data.get("anonymous_questions"):
            fields["anonymous_questions"] = data["anonymous_questions"]
        return fields


class CreateSpaceForm(SpaceForm):
    rules = forms.CharField(
        label="Ground rules",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "What members agree to before they take part. Markdown works: **bold**, lists "
            "with “- ”, links."
        ),
    )

    field_order = ("name", "slug", "description", "purpose", "rules")


class PublishRulesForm(forms.Form):
    rules = forms.CharField(
        label="Ground rules",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown works. Publishing a new version asks every member to accept again.",
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class LaunchForm(forms.Form):
    close_survey = forms.BooleanField(
        required=False,
        initial=True,
        label="Close the pre-launch survey now",
        help_text="Its audience is about to hear that the space is launched; asking them "
        "whether they would use it after that reads oddly.",
    )


class AcceptRulesForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class JoinForm(forms.Form):
    """One answer field per membership question of the space."""

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Please answer this question."},
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class IdListField(forms.Field):
    """Several whole numbers sent under one name (checkboxes, or one button's value)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError) as error:
            raise ValidationError("These requests are not valid.") from error


class DecideRequestsForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    ids = IdListField(error_messages={"required": "Choose at least one request."})


class InvitePeopleForm(forms.Form):
    """E-mail addresses (one per line, or separated by commas) resolved to people."""

    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or more addresses, on separate lines or separated by commas.",
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_emails(self) -> list[Person]:
        text: str = self.cleaned_data["emails"]
        addresses = list(
            dict.fromkeys(part.strip().lower() for part in text.replace(",", "\n").splitlines())
        )
        addresses = [address for address in addresses if address]
        if len(addresses) > MAX_INVITE_ADDRESSES:
            raise ValidationError(f"Add at most {MAX_INVITE_ADDRESSES} people at a time.")
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError as error:
                raise ValidationError(f"“{address}” is not a valid e-mail address.") from error
        people = list(people_visible_to(self.viewer).filter(email__in=addresses, is_active=True))
        found = {person.email for person in people}
        missing = [address for address in addresses if address not in found]
        if missing:
            raise ValidationError(
                "Nobody in the organisation has this address: " + ", ".join(missing) + "."
            )
        return people


class InviteDepartmentForm(forms.Form):
    department = DepartmentChoiceField(
        queryset=Department.objects.none(),
        help_text="Everyone in the department and its teams becomes a member.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(DepartmentChoiceField, self.fields["department"]).queryset = departments()


class MemberActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("remove", "Remove"), ("ban", "Ban"), ("role", "Change role")]
    )
    # Checked by do_set_member_role, which names the roles allowed.
    role = forms.CharField(max_length=20, required=False)
