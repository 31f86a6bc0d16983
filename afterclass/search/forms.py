"""The search form: the query and its filters, with messages written for people."""

from __future__ import annotations

from typing import Any

from django import forms

from afterclass.search.models import Kind
from afterclass.search.text import MAX_QUERY_LENGTH

ANSWERED_CHOICES = [("", "Any"), ("yes", "Answered"), ("no", "Not answered yet")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": f"A search can be at most {MAX_QUERY_LENGTH} characters. Try fewer words."
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text='Use "quotes" for a phrase and word* for words that start with it.',
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Everything"), *Kind.choices]
    )
    answered = forms.ChoiceField(label="Questions", required=False, choices=ANSWERED_CHOICES)
    has_files = forms.BooleanField(label="With files", required=False)
    after = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    author = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    space = forms.SlugField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("after"), data.get("before")
        if after and before and after > before:
            self.add_error("before", "The end date is before the start date.")
        return data

    @property
    def answered_value(self) -> bool | None:
        value = self.cleaned_data.get("answered")
        return {"yes": True, "no": False}.get(value or "")
