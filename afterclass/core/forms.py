"""What every HTML form shares: showing an action's refusal where the person will look."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from afterclass.core.errors import AfterclassError


def show_action_error(
    form: forms.Form,
    error: AfterclassError,
    *,
    renamed: Mapping[str, str | None] | None = None,
    fallback: str | None = None,
) -> None:
    """Put an action's error next to the field it is about, or else next to `fallback`, or else
    at the top of the form. The action names a field as its API does ("questions.2" is about
    "questions"); `renamed` maps those names to the form's where they differ."""
    field = error.field.split(".")[0] if error.field else None
    if field is not None and renamed is not None:
        field = renamed.get(field, field)
    form.add_error(field if field in form.fields else fallback, error.message)
