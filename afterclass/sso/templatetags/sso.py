"""The sign-in page's choices: the providers first, and whether to offer a password."""

from __future__ import annotations

from typing import Any

from django import template

from afterclass.sso.models import SignInPolicy
from afterclass.sso.providers import sign_in_providers

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_in_choices(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {
        "providers": sign_in_providers(request),
        "password_sign_in": SignInPolicy.password_sign_in_on(),
    }
