"""Asking before a step that is hard to take back (launch, archive, remove a post, leave, ban).

The page's form carries `confirm=ask` and `data-confirm…` attributes: with JavaScript,
static/afterclass/confirm.js asks in a <dialog> and sends the form with `confirmed=yes`; without
it, the view answers the plain POST with a confirm page (`confirm.html`) that sends the same
fields again with `confirmed=yes`. A request without `confirm=ask` (a test, a script) acts at once.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SKIPPED = {"csrfmiddlewaretoken", "confirm", "confirmed"}


def confirm_first(
    request: HttpRequest, *, question: str, consequence: str, button: str, back: str
) -> HttpResponse | None:
    """The confirm page when the form asked for one and it was not confirmed yet, else None."""
    if request.POST.get("confirm") != "ask" or request.POST.get("confirmed") == "yes":
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in SKIPPED
        for value in request.POST.getlist(name)
    ]
    context = {
        "question": question,
        "consequence": consequence,
        "button": button,
        "back": back,
        "action": request.path,
        "fields": fields,
    }
    return render(request, "confirm.html", context)
