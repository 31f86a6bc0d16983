"""Checks on text and choice values that actions of every app share."""

from __future__ import annotations

from typing import Any

from afterclass.core.errors import InvalidInput


def clean_choice(value: Any, choices: type[Any], field: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise InvalidInput(f"{field} must be one of: {allowed}.", field=field)
    return str(value)


def clean_text(value: Any, field: str, *, max_length: int, required: bool) -> str:
    # Browsers send CRLF line endings in textareas, the API LF: store one form.
    text = str(value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput(f"The {field} cannot be empty.", field=field)
    if "\x00" in text:
        # Forms and API schemas refuse it too; PostgreSQL cannot store it in a text column.
        raise InvalidInput(f"The {field} contains a null character, which is not allowed.",
                           field=field)  # fmt: skip
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field} can be at most {max_length} characters (it has {len(text)}).",
            field=field,
        )
    return text
