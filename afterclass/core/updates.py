"""Telling the page what an in-place (htmx) update did: static/afterclass/focus.js moves focus
to the new item (or leaves it on the pressed control) and says the message in a live region."""

from __future__ import annotations

from django.http import HttpResponse
from django_htmx.http import trigger_client_event

UPDATED_EVENT = "afterclass-updated"


def announce[ResponseT: HttpResponse](
    response: ResponseT, message: str, *, focus: str = ""
) -> ResponseT:
    """After the swap settles, `message` is read out; `focus` (a CSS selector) takes focus."""
    return trigger_client_event(
        response, UPDATED_EVENT, {"message": message, "focus": focus}, after="settle"
    )
