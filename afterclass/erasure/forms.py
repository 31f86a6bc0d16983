"""The erasure's confirmation form: what becomes of the content, and the typed address."""

from __future__ import annotations

from django import forms

from afterclass.people.models import ErasedContent


class ErasureForm(forms.Form):
    content = forms.ChoiceField(
        label="Their posts, comments and answers",
        choices=[
            (ErasedContent.KEEP, "Keep them, shown as “Former colleague”"),
            (ErasedContent.DELETE, "Delete them (with the threads of their posts)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether their content is deleted or kept.",
            "invalid_choice": "Choose whether their content is deleted or kept.",
        },
    )
    confirm = forms.CharField(
        label="Type their e-mail address to confirm",
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": "Type their e-mail address to confirm."},
    )
