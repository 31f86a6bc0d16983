"""Forms for the post pages. They parse what a person typed; the rules live in the actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from afterclass.core.errors import AfterclassError
from afterclass.posts.actions import TITLED_KINDS, UPDATE_LENGTH
from afterclass.posts.models import PostKind, ReactionKind
from afterclass.spaces.models import AnonymousQuestions, Space

# Kinds that cannot be written from the page in this release (polls arrive with their issue).
NOT_WRITABLE_YET = {"poll"}
# An image post's form offers this many picture slots at first, and at most MAX_PICTURE_SLOTS.
PICTURE_SLOTS = 3
MAX_PICTURE_SLOTS = 10
PICTURE_TYPES = "image/png,image/jpeg,image/gif,image/webp"

# The actions name some fields as a person reads them; the forms call them otherwise.
ERROR_FIELDS = {"text": "body", "comment": "body", "link": "link_url", "attachments": "file"}

ANONYMOUS_HELP: dict[str, str] = {
    AnonymousQuestions.MEMBERS: (
        "Members will see “a colleague” instead of your name. The space's moderators and "
        "owners still see who asked."
    ),
    AnonymousQuestions.EVERYONE: (
        "Nobody in the space will see your name, moderators included: they see “a colleague”."
    ),
}
ANONYMOUS_RULE = (
    " Your name is kept for abuse handling only; an organisation admin can look it up with a "
    "written reason, and you would be told."
)


def show_action_error(form: forms.Form, error: AfterclassError) -> None:
    """Put an action's error next to the field it is about, or at the top of the form."""
    field = ERROR_FIELDS.get(error.field, error.field) if error.field else None
    form.add_error(field if field in form.fields else None, error.message)


def writable_kinds(space: Space, *, moderator: bool) -> list[str]:
    """The kinds the viewer can write in this space from the page, in the template's order."""
    kinds = [kind for kind in space.allowed_post_kinds if kind not in NOT_WRITABLE_YET]
    if not moderator:
        kinds = [kind for kind in kinds if kind != PostKind.ANNOUNCEMENT]
    return kinds


class PostForm(forms.Form):
    """A new post of one kind; the fields shown follow the kind."""

    kind = forms.ChoiceField(choices=[], widget=forms.HiddenInput)
    title = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        label="Text",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown works: **bold**, lists with “- ”, links, `code`.",
    )
    link_url = forms.CharField(
        label="Link",
        max_length=1000,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="The full address of the reading, starting with https://.",
    )
    anonymous = forms.BooleanField(
        label="Ask anonymously",
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "anonymous-help"}),
    )

    def __init__(
        self, *args: Any, space: Space, kinds: list[str], kind: str, slots: int = PICTURE_SLOTS,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.space = space
        self.chosen_kind = kind
        self.slots = max(1, min(slots, MAX_PICTURE_SLOTS)) if kind == PostKind.IMAGE else 0
        for number in range(1, self.slots + 1):
            self.fields[f"picture_{number}"] = forms.FileField(
                label=f"Picture {number}",
                required=number == 1,
                widget=forms.FileInput(attrs={"accept": PICTURE_TYPES}),
                error_messages={"required": "Choose at least one picture."},
            )
            self.fields[f"alt_{number}"] = forms.CharField(
                label=f"Description of picture {number}",
                max_length=300,
                required=False,
                help_text="What the picture shows, for people who cannot see it (alt text).",
            )
        if kind == PostKind.RESOURCE:
            self.fields["file"] = forms.FileField(
                label="File",
                required=False,
                help_text="A PDF, document, spreadsheet, presentation, text, CSV or ZIP file; "
                "instead of a link, or with one.",
            )
            self.fields["link_url"].help_text = "Or a file below. " + str(
                self.fields["link_url"].help_text
            )
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [(value, PostKind(value).label) for value in kinds]
        kind_field.error_messages["invalid_choice"] = (
            "You cannot write this kind of post in this space."
        )
        self.initial.setdefault("kind", kind)
        if kind == PostKind.UPDATE:
            body = self.fields["body"]
            body.label = "Update"
            body.help_text = f"At most {UPDATE_LENGTH} characters."
            body.widget.attrs.update({"rows": 3, "maxlength": str(UPDATE_LENGTH)})
        if kind == PostKind.QUESTION:
            self.fields["title"].label = "Your question"
            self.fields["body"].label = "Details"
            self.fields["body"].help_text = "Optional: what you tried, what you expect."
        help_text = ANONYMOUS_HELP.get(space.anonymous_questions)
        if help_text:
            self.fields["anonymous"].help_text = help_text + ANONYMOUS_RULE

    @property
    def shows_title(self) -> bool:
        return self.chosen_kind in TITLED_KINDS

    @property
    def shows_link(self) -> bool:
        return self.chosen_kind == PostKind.RESOURCE

    @property
    def picture_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"picture_{n}"], self[f"alt_{n}"]) for n in range(1, self.slots + 1)]

    @property
    def more_slots(self) -> int | None:
        """How many slots the "more pictures" link asks for, or None at the maximum."""
        if not 0 < self.slots < MAX_PICTURE_SLOTS:
            return None
        return min(self.slots + 3, MAX_PICTURE_SLOTS)

    def files_to_upload(self) -> list[tuple[str, Any, str]]:
        """(field name, uploaded file, alt text) in order, for the files that were chosen."""
        data = self.cleaned_data
        if self.chosen_kind == PostKind.RESOURCE:
            return [("file", data["file"], "")] if data.get("file") else []
        return [
            (f"picture_{n}", data[f"picture_{n}"], data.get(f"alt_{n}") or "")
            for n in range(1, self.slots + 1)
            if data.get(f"picture_{n}")
        ]

    @property
    def offers_anonymous(self) -> bool:
        return (
            self.chosen_kind == PostKind.QUESTION
            and self.space.anonymous_questions != AnonymousQuestions.OFF
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == PostKind.UPDATE and len(cleaned.get("body") or "") > UPDATE_LENGTH:
            self.add_error("body", f"An update is at most {UPDATE_LENGTH} characters.")
        if cleaned.get("anonymous"):
            if kind != PostKind.QUESTION:
                self.add_error("anonymous", "Only questions can be asked anonymously.")
            elif self.space.anonymous_questions == AnonymousQuestions.OFF:
                self.add_error("anonymous", "This space does not take anonymous questions.")
        for number in range(1, self.slots + 1):
            if cleaned.get(f"picture_{number}") and not cleaned.get(f"alt_{number}"):
                self.add_error(
                    f"alt_{number}",
                    f"Describe picture {number} for people who cannot see it.",
                )
        return cleaned


class EditPostForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        label="Text", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    link_url = forms.CharField(
        label="Link", max_length=1000, required=False, widget=forms.URLInput()
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind not in TITLED_KINDS:
            del self.fields["title"]
        if kind != PostKind.RESOURCE:
            del self.fields["link_url"]
        if kind == PostKind.UPDATE:
            self.fields["body"].widget.attrs.update({"rows": 3, "maxlength": str(UPDATE_LENGTH)})
            self.fields["body"].help_text = f"At most {UPDATE_LENGTH} characters."


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write something first."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class EditCommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write something first."},
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="The author is shown this reason.",
        error_messages={"required": "Say why the post is hidden: its author will read it."},
    )


class ReactForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)
    on = forms.BooleanField(required=False)


class VoteForm(forms.Form):
    up = forms.BooleanField(required=False)


class AcceptForm(forms.Form):
    answer = forms.IntegerField(required=False, min_value=1)


class SwitchForm(forms.Form):
    """Pin/unpin or lock/unlock: one yes-or-no value."""

    on = forms.BooleanField(required=False)


class FeedFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False)
    unanswered = forms.BooleanField(label="Unanswered questions only", required=False)

    def __init__(self, *args: Any, space: Space, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [("", "All kinds")] + [
            (value, PostKind(value).label)
            for value in space.allowed_post_kinds
            if value in PostKind.values
        ]
        self.offers_unanswered = PostKind.QUESTION in space.allowed_post_kinds

    def query(self) -> dict[str, Any]:
        """The filters for posts.queries.space_feed; anything not understood is ignored."""
        if not self.is_valid():
            return {"kind": None, "unanswered": False}
        return {
            "kind": self.cleaned_data["kind"] or None,
            "unanswered": bool(self.cleaned_data["unanswered"]),
        }
