"""The audit log's filter form: who, what action, which space, between which dates."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from afterclass.auditlog.queries import AuditFilter


class AuditFilterForm(forms.Form):
    who = forms.CharField(
        label="Who",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "Name or e-mail"}),
    )
    actor = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    action = forms.ChoiceField(label="Action", required=False)
    space = forms.TypedChoiceField(label="Space", required=False, coerce=int, empty_value=None)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, actions: list[str], spaces: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        action_field = cast(forms.ChoiceField, self.fields["action"])
        action_field.choices = [("", "Any action"), *((name, name) for name in actions)]
        space_field = cast(forms.TypedChoiceField, self.fields["space"])
        space_field.choices = [("", "Any space"), *spaces.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be on or after the start date.")
        return data

    def wanted(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            actor_id=data.get("actor"),
            who=(data.get("who") or "").strip(),
            action=data.get("action") or "",
            space_id=data.get("space"),
            since=data.get("since"),
            until=data.get("until"),
        )
