"""The retention pages' forms: a rule (with its preview first), and a legal hold."""

from __future__ import annotations

from typing import Any

from django import forms

from afterclass.retention.models import MAX_MONTHS, TAKES_MONTHS, RetentionAction, SpaceRule


class RuleForm(forms.Form):
    """A rule: what happens to threads, after how many months without activity."""

    action = forms.ChoiceField(
        label="Threads with no activity for a while are", choices=RetentionAction.choices
    )
    months = forms.IntegerField(
        label="After how many months without activity",
        min_value=1,
        max_value=MAX_MONTHS,
        required=False,
        help_text=f"From 1 to {MAX_MONTHS}; not needed to keep everything.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in TAKES_MONTHS and not data.get("months"):
            self.add_error("months", "Say after how many months, from 1 to 120.")
        if data.get("action") not in TAKES_MONTHS:
            data["months"] = None
        return data


class SpaceRuleForm(RuleForm):
    action = forms.ChoiceField(
        label="Threads in this space with no activity for a while are", choices=SpaceRule.choices
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label="Why (a matter or request, kept in the audit log)", max_length=300
    )
