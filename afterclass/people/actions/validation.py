"""Checks on text and e-mail addresses that several people actions share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from afterclass.core.errors import InvalidInput
from afterclass.people.models import Organisation


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    # Browsers send CRLF line endings in textareas, the API LF: store one form.
    text = str(value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput(f"The {field.replace('_', ' ')} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field.replace('_', ' ')} can be at most {max_length} characters.", field=field
        )
    return text


def normalise_email(value: str, field: str = "email") -> str:
    email = str(value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput(f"“{value}” is not a valid e-mail address.", field=field) from error
    return email


def email_domain_allowed(email: str) -> bool:
    domains = [domain.lower().lstrip("@") for domain in Organisation.current().allowed_domains]
    return email.rsplit("@", 1)[-1] in domains
