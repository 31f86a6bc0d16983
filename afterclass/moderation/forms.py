"""Forms of the report pages. They parse what a person chose; the rules live in the actions."""

from __future__ import annotations

from django import forms

from afterclass.moderation.models import NOTE_LENGTH, TEXT_LENGTH, Outcome, ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="What is wrong with it?", choices=ReportReason.choices)
    text = forms.CharField(
        label="Tell the moderators more",
        required=False,
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Needed when you choose “Other”. At most {TEXT_LENGTH} characters. "
        "Only the space's moderators see your report and your name.",
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_LENGTH,
        help_text="Needed to hide: the author reads it as the reason.",
    )
