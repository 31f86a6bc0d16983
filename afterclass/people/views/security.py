"""My account → Sessions and tokens: where I am signed in, my API tokens, and ending them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import InvalidInput
from afterclass.core.http import SignedInRequest
from afterclass.people.actions import do_end_other_sessions, do_end_session
from afterclass.people.queries import access_tokens_of
from afterclass.people.sessions import sessions_of


@login_required
@require_GET
def my_sessions(request: SignedInRequest) -> HttpResponse:
    me = request.user
    context = {
        "sessions": sessions_of(me, request.session.session_key),
        "tokens": access_tokens_of(me, cursor=request.GET.get("cursor") or None),
    }
    response = render(request, "people/my_sessions.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def my_session_end(request: SignedInRequest, session_id: int) -> HttpResponse:
    me = request.user
    try:
        do_end_session(me, session_id, actor=me, current_key=request.session.session_key)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "That session is signed out.")
    return redirect("my-sessions")


@login_required
@require_POST
def my_sessions_end_others(request: SignedInRequest) -> HttpResponse:
    me = request.user
    ended = do_end_other_sessions(me, actor=me, current_key=request.session.session_key)
    if ended:
        messages.success(
            request,
            f"Signed out everywhere else: {ended} other session{'s' if ended != 1 else ''} ended.",
        )
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("my-sessions")
