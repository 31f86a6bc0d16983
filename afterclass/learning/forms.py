"""HTML forms of learning pages; the rules live in the actions, these only parse what is sent."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from afterclass.attachments.actions import max_upload_bytes
from afterclass.attachments.attach import MAX_FILES
from afterclass.attachments.detect import ALLOWED_SUMMARY
from afterclass.attachments.queries import waiting_uploads
from afterclass.core.forms import show_action_error as show_action_error_in
from afterclass.learning.actions import QuestionIn
from afterclass.learning.models import ActivityKind, Session

if TYPE_CHECKING:
    from afterclass.attachments.models import Attachment
    from afterclass.people.models import Person

ERROR_FIELDS = {
    "questions": "questions_text",
    "answer": "text",
    "attachment_ids": "files",
    "file": "files",
}
FILE_FIELDS = ("files", "keep", "uploads")

QUESTIONS_HELP = (
    "One question per block: a line starting with “?” is the question, “*” a correct option, "
    "“-” another option, and “>” the explanation shown after answering."
)


# An action's refusal next to the field it is about (core.forms), in this app's field names.
show_action_error = functools.partial(show_action_error_in, renamed=ERROR_FIELDS)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list (empty when none was chosen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SentUploadsInput(forms.MultipleHiddenInput):
    """The ids of files that the page's script sent ahead (compose.js). Each carries its
    file's name, so that after a refusal the script can list the files as ready again."""

    def __init__(self) -> None:
        super().__init__(attrs={"data-sent-upload": ""})
        self.names: dict[str, str] = {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            known = self.names.get(str(subwidget["value"]))
            if known:
                subwidget["attrs"] = {**subwidget["attrs"], "data-name": known}
        return context


class SentUploadsField(forms.Field):
    """Ids of the person's uploads sent ahead, cleaned to a list of ints (the action checks
    that each is theirs and still waiting to be attached)."""

    widget = SentUploadsInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        texts = [str(item).strip() for item in values if str(item).strip()]
        if not all(text.isdigit() and int(text) > 0 for text in texts):
            raise forms.ValidationError(
                "A file sent ahead was not recognised: remove it and choose it again."
            )
        return [int(text) for text in texts]


def add_file_fields(
    form: forms.Form, current: Sequence[Attachment], *, label: str, actor: Person
) -> None:
    """`files` for new files and, when there are files already, `keep`: each ticked; a file
    left unticked is deleted when the form is saved. `uploads` holds the files the page's
    script sent ahead with their progress (the field's drop zone); without JavaScript the files
    go with the form instead."""
    if current:
        form.fields["keep"] = forms.TypedMultipleChoiceField(
            choices=[(a.pk, a.original_name) for a in current], coerce=int, required=False,
            widget=forms.CheckboxSelectMultiple, initial=[a.pk for a in current],
            label="Keep these files (untick one to remove it)",
        )  # fmt: skip
    limit = max_upload_bytes() // 1024 // 1024
    form.fields["files"] = MultipleFileField(
        label=label,
        help_text=f"Up to {MAX_FILES} files of at most {limit} MB each: {ALLOWED_SUMMARY}.",
        widget=MultipleFileInput(
            attrs={
                "data-upload-url": reverse("api:upload"),
                "data-max-bytes": str(max_upload_bytes()),
                "data-max-files": str(MAX_FILES),
                "data-sent-field": "uploads",
            }
        ),
    )
    sent = SentUploadsField()
    form.fields["uploads"] = sent
    if form.is_bound:
        ids = [int(value) for value in form["uploads"].value() or [] if str(value).isdigit()]
        waiting = waiting_uploads(actor, ids)
        cast(SentUploadsInput, sent.widget).names = {
            str(pk): upload.original_name for pk, upload in waiting.items()
        }


def sent_ahead(form: forms.Form) -> list[int]:
    return list(form.cleaned_data.get("uploads") or [])


def kept_ids(form: forms.Form) -> list[int]:
    return [int(pk) for pk in form.cleaned_data.get("keep") or []]


def without_files(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned fields an action takes as they are (files go through the uploads first)."""
    return {name: value for name, value in cleaned_data.items() if name not in FILE_FIELDS}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class UnitForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=5000)  # fmt: skip
    release_at = forms.DateTimeField(widget=LocalDateTimeInput(), label="Released to learners on",
                                     help_text="Hidden from learners until then.")  # fmt: skip
    due_at = forms.DateTimeField(widget=LocalDateTimeInput(), required=False, label="Due on")
    session = forms.ModelChoiceField(queryset=Session.objects.none(), required=False,
                                     label="Follows up the session")  # fmt: skip

    def __init__(self, *args: Any, space_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = Session.objects.filter(space_id=space_id)


def parse_questions(text: str) -> list[QuestionIn]:
    """Read the question blocks described in QUESTIONS_HELP."""
    questions: list[QuestionIn] = []
    current: dict[str, Any] | None = None

    def close() -> None:
        if current is not None:
            questions.append(QuestionIn(current["text"], current["options"], current["correct"],
                                        "\n".join(current["explanation"])))  # fmt: skip

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        mark, rest = line[0], line[1:].strip()
        if mark == "?":
            close()
            current = {"text": rest, "options": [], "correct": [], "explanation": []}
        elif current is None:
            raise forms.ValidationError("Start each question with a line beginning with “?”.")
        elif mark in "*-":
            if mark == "*":
                current["correct"].append(len(current["options"]))
            current["options"].append(rest)
        elif mark == ">":
            current["explanation"].append(rest)
        else:
            raise forms.ValidationError(f"Begin the line “{line[:40]}” with ?, *, - or >.")
    close()
    return questions


def questions_text(questions: list[Any]) -> str:
    blocks = []
    for question in questions:
        lines = [f"? {question.text}"]
        lines += [f"{'*' if i in question.correct else '-'} {option}"
                  for i, option in enumerate(question.options)]  # fmt: skip
        if question.explanation:
            lines.append(f"> {question.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices)
    title = forms.CharField(max_length=200)
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                                   help_text="Markdown: **bold**, lists, links.")  # fmt: skip
    shared_with_group = forms.BooleanField(
        required=False, label="Share answers with the group (reflections only)"
    )
    is_closed = forms.BooleanField(required=False, label="Closed: take no more answers")
    questions_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Questions (quick check)",
        help_text=QUESTIONS_HELP,
    )

    def clean_questions_text(self) -> list[QuestionIn]:
        return parse_questions(self.cleaned_data.get("questions_text") or "")


class SubmissionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Your answer",
                           required=False)  # fmt: skip


class FeedbackForm(forms.Form):
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    verdict = forms.ChoiceField(choices=[("complete", "Complete"),
                                         ("needs_work", "Needs another look")])  # fmt: skip


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    position = forms.IntegerField(min_value=1, required=False)


class CopyForm(forms.Form):
    source = forms.ChoiceField(label="Copy every unit from")
    first_release_at = forms.DateTimeField(widget=LocalDateTimeInput(), required=False,
                                           label="Release the first unit on")  # fmt: skip


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_at = forms.CharField(widget=LocalDateTimeInput(), label="Starts")
    ends_at = forms.CharField(widget=LocalDateTimeInput(), label="Ends")
    time_zone = forms.CharField(
        max_length=64,
        initial="Europe/London",
        help_text="The zone of the times above, e.g. Europe/London.",
    )
    place = forms.CharField(max_length=200, required=False)
    link = forms.CharField(max_length=500, required=False, label="Link (online sessions)")

    def _clean_local(self, name: str) -> datetime:
        # Kept naive: the action reads it in the session's own time zone.
        try:
            return datetime.fromisoformat(self.cleaned_data[name])
        except ValueError as error:
            raise forms.ValidationError("Enter a date and time.") from error

    def clean_starts_at(self) -> datetime:
        return self._clean_local("starts_at")

    def clean_ends_at(self) -> datetime:
        return self._clean_local("ends_at")
