"""Checks on text and choice values that several space actions share."""

from __future__ import annotations

from typing import Any

from afterclass.core.errors import InvalidInput


def _choice(value: Any, choices: type[Any], field: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise InvalidInput(f"{field} must be one of: {allowed}.", field=field)
    return str(value)


def _text(value: Any, field: str, *, max_length: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"The {field} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field} can be at most {max_length} characters (it has {len(text)}).",
            field=field,
        )
    return text
