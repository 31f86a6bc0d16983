"""Forms for the post pages. They parse what a person typed; the rules live in the actions."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.urls import reverse

from afterclass.core.forms import show_action_error as show_action_error_in
from afterclass.posts.actions import TITLED_KINDS, UPDATE_LENGTH
from afterclass.posts.models import PostKind, ReactionKind
from afterclass.posts.poll_part import ResultsShown
from afterclass.spaces.models import AnonymousQuestions, Space

if TYPE_CHECKING:
    from afterclass.attachments.models import Attachment

# Kinds that cannot be written from the page in this release.
NOT_WRITABLE_YET: set[str] = set()
# An image post's form offers this many picture slots at first, and at most MAX_PICTURE_SLOTS.
PICTURE_SLOTS = 3
MAX_PICTURE_SLOTS = 10
PICTURE_TYPES = "image/png,image/jpeg,image/gif,image/webp"
FILE_HELP = (
    "A PDF, document, spreadsheet, presentation, text, CSV or ZIP file; instead of a link, or "
    "with one."
)

# The actions name some fields as a person reads them; the forms call them otherwise.
ERROR_FIELDS = {
    "text": "body",
    "comment": "body",
    "link": "link_url",
    "attachments": "file",
    "anonymous_poll": "poll_anonymous",
}
POLL_ANONYMOUS_HELP = (
    "Nobody, admins included, can see who chose what: only the number of votes per option is "
    "kept. An anonymous vote cannot be changed."
)

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


# An action's refusal next to the field it is about (core.forms), in this app's field names.
show_action_error = functools.partial(show_action_error_in, renamed=ERROR_FIELDS)


def writable_kinds(space: Space, *, moderator: bool) -> list[str]:
    """The kinds the viewer can write in this space from the page, in the template's order."""
    kinds = [kind for kind in space.allowed_post_kinds if kind not in NOT_WRITABLE_YET]
    if not moderator:
        kinds = [kind for kind in kinds if kind != PostKind.ANNOUNCEMENT]
    return kinds


class UploadSlotsForm(forms.Form):
    """What the new-post and edit-post forms share: picture slots (`slots` of them) or one
    file slot, with the uploads the page's script sent ahead (`waiting`)."""

    slots: int
    waiting: dict[int, Attachment]

    @property
    def picture_rows(self) -> list[UploadSlot]:
        return picture_rows(self, self.slots, self.waiting)

    @property
    def file_slot(self) -> UploadSlot | None:
        return file_slot(self, self.waiting) if "file" in self.fields else None

    @property
    def upload_slots(self) -> list[UploadSlot]:
        """The places for new files, for attachments/_upload_slots.html."""
        slot = self.file_slot
        return [slot] if slot is not None else self.picture_rows

    def upload_ids(self) -> list[int]:
        """The ids of uploads sent ahead by the page's script, as typed (checked by the action)."""
        return sent_upload_ids(self, self.slots)

    @property
    def more_slots(self) -> int | None:
        """How many slots the "more pictures" link asks for, or None at the maximum."""
        if not 0 < self.slots < MAX_PICTURE_SLOTS:
            return None
        return min(self.slots + 3, MAX_PICTURE_SLOTS)


class PostForm(UploadSlotsForm):
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
    asks_acknowledgement = forms.BooleanField(
        label="Ask members to confirm they have read it",
        required=False,
        help_text="Members get an “I have read this” button; you see who has and who has not.",
        widget=forms.CheckboxInput(attrs={"aria-describedby": "acknowledgement-help"}),
    )

    def __init__(
        self, *args: Any, space: Space, kinds: list[str], kind: str, slots: int = PICTURE_SLOTS,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.space = space
        self.chosen_kind = kind
        self.slots = max(1, min(slots, MAX_PICTURE_SLOTS)) if kind == PostKind.IMAGE else 0
        if self.slots:
            add_picture_slots(self, self.slots)
            if not uploads_sent(self, self.slots):
                # Without JavaScript the first picture comes with the form itself.
                picture = self.fields["picture_1"]
                picture.required = True
                picture.error_messages["required"] = "Choose at least one picture."
        if kind == PostKind.RESOURCE:
            add_file_slot(self)
            self.fields["link_url"].help_text = "Or a file below. " + str(
                self.fields["link_url"].help_text
            )
        self.waiting: dict[int, Attachment] = {}
        self.fields["body"].widget.attrs["data-mention-source"] = reverse(
            "mention-suggestions", args=[space.slug]
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
        if kind == PostKind.POLL:
            add_poll_fields(self)
        if kind != PostKind.ANNOUNCEMENT:
            del self.fields["asks_acknowledgement"]
        if kind in (PostKind.QUESTION, PostKind.POLL):
            self.fields["title"].label = "Your question"
        if kind == PostKind.QUESTION:
            # While the question is typed, the ones most like it are suggested (search app).
            self.fields["title"].widget.attrs.update(
                {
                    "hx-get": reverse("similar-questions"),
                    "hx-trigger": "keyup changed delay:500ms",
                    "hx-target": "#similar-questions",
                    "autocomplete": "off",
                }
            )
            self.fields["body"].label = "Details"
            self.fields["body"].help_text = "Optional: what you tried, what you expect."
        help_text = ANONYMOUS_HELP.get(space.anonymous_questions)
        if help_text:
            self.fields["anonymous"].help_text = help_text + ANONYMOUS_RULE

    @property
    def shows_poll(self) -> bool:
        return "options" in self.fields

    def poll_options(self) -> list[str]:
        """The options typed one per line (blank lines ignored; the action checks the rest)."""
        text = str(self.cleaned_data.get("options") or "")
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def shows_title(self) -> bool:
        return self.chosen_kind in TITLED_KINDS

    @property
    def shows_link(self) -> bool:
        return self.chosen_kind == PostKind.RESOURCE

    def files_to_upload(self) -> list[tuple[str, Any, str]]:
        """(field name, uploaded file, alt text) in order, for the files that were chosen."""
        return [(field, upload, alt) for field, upload, _pk, alt in self.chosen_files()]

    def chosen_files(self) -> list[tuple[str, Any, int | None, str]]:
        """(field name, file sent with the form or None, id of an upload sent ahead or None,
        alt text), in the order of the slots, for the slots that have one or the other."""
        return chosen_files(self, self.slots)

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
        check_picture_slots(self, self.slots)
        return cleaned


def add_poll_fields(form: forms.Form) -> None:
    """A poll's options and settings, on the new-post form for the kind "poll"."""
    form.fields["options"] = forms.CharField(
        label="Options",
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One option per line: 2 to 10 options.",
        error_messages={"required": "Write the options, one per line."},
    )
    form.fields["multiple"] = forms.BooleanField(
        label="People may choose more than one option", required=False
    )
    form.fields["poll_anonymous"] = forms.BooleanField(
        label="Anonymous poll",
        required=False,
        help_text=POLL_ANONYMOUS_HELP,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "poll-anonymous-help"}),
    )
    form.fields["closes_at"] = forms.DateTimeField(
        label="Closes at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Optional. Without it the poll stays open until you close it.",
        error_messages={"invalid": "Enter a date and time, like 2026-12-03 14:00."},
    )
    form.fields["results_shown"] = forms.ChoiceField(
        label="Show the results",
        choices=ResultsShown.choices,
        initial=ResultsShown.AFTER_VOTING,
        widget=forms.RadioSelect,
    )


class EditPostForm(UploadSlotsForm):
    """The text of one's own post and, for image posts and resources, its files: those it has
    (described again or removed) and new ones, sent with the form or ahead by the script."""

    title = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        label="Text", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    link_url = forms.CharField(
        label="Link", max_length=1000, required=False, widget=forms.URLInput()
    )

    def __init__(
        self, *args: Any, kind: str, attachments: Sequence[Attachment] = (),
        slots: int = PICTURE_SLOTS, mention_source: str = "", **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.current = list(attachments)
        self.picture_offset = len(self.current)
        self.waiting: dict[int, Attachment] = {}
        if kind not in TITLED_KINDS:
            del self.fields["title"]
        if kind != PostKind.RESOURCE:
            del self.fields["link_url"]
        if kind == PostKind.UPDATE:
            self.fields["body"].widget.attrs.update({"rows": 3, "maxlength": str(UPDATE_LENGTH)})
            self.fields["body"].help_text = f"At most {UPDATE_LENGTH} characters."
        if mention_source:
            self.fields["body"].widget.attrs["data-mention-source"] = mention_source
        for number, attachment in enumerate(self.current, start=1):
            name = attachment.original_name
            if kind == PostKind.IMAGE:
                self.fields[f"current_alt_{attachment.pk}"] = forms.CharField(
                    label=f"Description of picture {number}",
                    max_length=300,
                    required=False,
                    initial=attachment.alt_text,
                )
            self.fields[f"remove_{attachment.pk}"] = forms.BooleanField(
                label=f"Remove {name}" if kind != PostKind.IMAGE else f"Remove picture {number}",
                required=False,
            )
        self.slots = max(1, min(slots, MAX_PICTURE_SLOTS)) if kind == PostKind.IMAGE else 0
        if self.slots:
            add_picture_slots(self, self.slots, first=len(self.current) + 1)
        if kind == PostKind.RESOURCE:
            add_file_slot(self, label="New file" if self.current else "File")

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "body", "link_url") if name in self.fields]

    @property
    def edits_files(self) -> bool:
        return self.kind in {PostKind.IMAGE, PostKind.RESOURCE}

    @property
    def current_rows(self) -> list[tuple[Attachment, forms.BoundField | None, forms.BoundField]]:
        """(file, its description field for pictures, its remove box) for each current file."""
        return [
            (
                attachment,
                self[f"current_alt_{attachment.pk}"]
                if f"current_alt_{attachment.pk}" in self.fields
                else None,
                self[f"remove_{attachment.pk}"],
            )
            for attachment in self.current
        ]

    def chosen_files(self) -> list[tuple[str, Any, int | None, str]]:
        """As PostForm.chosen_files: the new files, in order."""
        return chosen_files(self, self.slots)

    def kept_files(self) -> list[tuple[int, str]]:
        """(id, alt text) of the current files that stay, in their order. A description not
        sent at all (an older page) keeps what the picture has."""
        kept = []
        for attachment in self.current:
            if self.cleaned_data.get(f"remove_{attachment.pk}"):
                continue
            key = f"current_alt_{attachment.pk}"
            sent = key in self.fields and key in self.data
            kept.append(
                (attachment.pk, self.cleaned_data.get(key, "") if sent else attachment.alt_text)
            )
        return kept

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_picture_slots(self, self.slots)
        return cleaned


# --- Upload slots: a file input, its upload sent ahead by compose.js, and (pictures) alt text ---


@dataclass(frozen=True)
class UploadSlot:
    """One place for a file on a form. `upload` is a hidden field holding the id of a file
    that the page's script has already uploaded; `waiting` is that upload, when it is the
    person's and still unattached (to show it again after a refusal)."""

    number: int
    file: forms.BoundField
    upload: forms.BoundField
    alt: forms.BoundField | None
    waiting: Attachment | None


def add_picture_slots(form: forms.Form, slots: int, *, first: int = 1) -> None:
    """Fields picture_N, upload_N and alt_N for N in 1..slots; `first` is how the first slot's
    picture is numbered for the person (after the pictures an edited post has)."""
    for number in range(1, slots + 1):
        shown = first + number - 1
        form.fields[f"picture_{number}"] = forms.FileField(
            label=f"Picture {shown}",
            required=False,
            widget=forms.FileInput(attrs={"accept": PICTURE_TYPES}),
        )
        form.fields[f"upload_{number}"] = forms.IntegerField(
            required=False, min_value=1, widget=forms.HiddenInput(attrs={"data-upload-id": ""})
        )
        form.fields[f"alt_{number}"] = forms.CharField(
            label=f"Description of picture {shown}",
            max_length=300,
            required=False,
            help_text="What the picture shows, for people who cannot see it (alt text).",
        )


def add_file_slot(form: forms.Form, *, label: str = "File") -> None:
    form.fields["file"] = forms.FileField(label=label, required=False, help_text=FILE_HELP)
    form.fields["upload"] = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput(attrs={"data-upload-id": ""})
    )


def _upload_fields(form: forms.Form, slots: int) -> list[str]:
    names = [f"upload_{number}" for number in range(1, slots + 1)]
    return [*names, "upload"] if "upload" in form.fields else names


def uploads_sent(form: forms.Form, slots: int) -> bool:
    """Whether the bound data names an upload sent ahead (before the form is cleaned)."""
    return form.is_bound and any(form.data.get(name) for name in _upload_fields(form, slots))


def sent_upload_ids(form: forms.Form, slots: int) -> list[int]:
    ids = []
    for name in _upload_fields(form, slots):
        try:
            value = int(form.data.get(name) or 0) if form.is_bound else 0
        except (TypeError, ValueError):
            continue
        if value > 0:
            ids.append(value)
    return ids


def picture_rows(form: forms.Form, slots: int, waiting: dict[int, Attachment]) -> list[UploadSlot]:
    return [
        UploadSlot(
            number=number,
            file=form[f"picture_{number}"],
            upload=form[f"upload_{number}"],
            alt=form[f"alt_{number}"],
            waiting=waiting.get(_sent_id(form, f"upload_{number}")),
        )
        for number in range(1, slots + 1)
    ]


def file_slot(form: forms.Form, waiting: dict[int, Attachment]) -> UploadSlot:
    return UploadSlot(
        number=1,
        file=form["file"],
        upload=form["upload"],
        alt=None,
        waiting=waiting.get(_sent_id(form, "upload")),
    )


def _sent_id(form: forms.Form, name: str) -> int:
    try:
        return int(form.data.get(name) or 0) if form.is_bound else 0
    except (TypeError, ValueError):
        return 0


def chosen_files(form: forms.Form, slots: int) -> list[tuple[str, Any, int | None, str]]:
    data = form.cleaned_data
    if "file" in form.fields:
        if data.get("file") or data.get("upload"):
            return [("file", data.get("file"), None if data.get("file") else data["upload"], "")]
        return []
    chosen = []
    for number in range(1, slots + 1):
        upload, sent = data.get(f"picture_{number}"), data.get(f"upload_{number}")
        if upload or sent:
            alt = data.get(f"alt_{number}") or ""
            chosen.append((f"picture_{number}", upload, None if upload else sent, alt))
    return chosen


def check_picture_slots(form: forms.Form, slots: int) -> None:
    """Each picture, sent with the form or ahead, needs its description."""
    data = form.cleaned_data
    offset = int(getattr(form, "picture_offset", 0))
    for number in range(1, slots + 1):
        has_picture = data.get(f"picture_{number}") or data.get(f"upload_{number}")
        if has_picture and not data.get(f"alt_{number}"):
            form.add_error(
                f"alt_{number}",
                f"Describe picture {number + offset} for people who cannot see it.",
            )


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


class RevealAskerForm(forms.Form):
    """Why an organisation admin needs to know who asked an anonymous question: kept in the
    audit log and shown to the asker (posts.actions.do_reveal_asker checks it too)."""

    reason = forms.CharField(
        label="Why do you need to know who asked?",
        max_length=500,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the reason: it is kept in the audit log and the asker reads it.",
            "min_length": "Write the reason in a sentence (at least 10 characters).",
        },
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
