"""The composer's drafts on the server (posts.drafts), for composer.js: the person's own drafts to
offer back on another device, a long draft saved, a draft discarded. JSON in and out; every
refusal a 4xx with the API's error shape (`detail`, `field`) that a person can read."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import AfterclassError, TooManyRequests, error_body
from afterclass.core.http import SignedInRequest
from afterclass.posts.drafts import (
    OFFERED,
    DraftText,
    access_draft,
    do_discard_draft,
    do_save_draft,
    drafts_of,
)
from afterclass.posts.models import Draft
from afterclass.posts.views.composer import draft_prefix
from afterclass.spaces.access import access_space

# A save carries a draft of at most a post's size (posts.drafts.LIMITS) and its form's few
# fields: anything much bigger is not a draft.
MAX_REQUEST_BYTES = 64 * 1024
TOO_BIG = "This draft is too big to keep on the server: it is kept in this browser only."


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def answer(request: SignedInRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AfterclassError as error:
            response = JsonResponse(error_body(error.message, field=error.field),
                                    status=error.status)  # fmt: skip
            if isinstance(error, TooManyRequests):
                response["Retry-After"] = str(error.retry_after)
            return response

    return answer


def _shown(request: SignedInRequest, draft: Draft, at: str) -> dict[str, object]:
    where = {"at": at} if at else {"space": draft.space.slug}
    return {
        "id": draft.pk,
        "key": draft_prefix(request.user, draft.space) + draft.kind,
        "url": reverse("composer") + "?" + urlencode({**where, "kind": draft.kind}),
        "space": draft.space.name,
        "kind": draft.kind,
        "fields": {
            "title": draft.title,
            "body": draft.body,
            "link_url": draft.link_url,
            "options": draft.options,
        },
        "saved": int(draft.saved_at.timestamp() * 1000),
    }


@login_required
@require_GET
@_json_errors
def drafts(request: SignedInRequest) -> HttpResponse:
    """The person's newest drafts (on a space home, `at`: that space's), to offer back."""
    at = request.GET.get("at", "")
    space = access_space(request.user, at) if at else None
    found = drafts_of(request.user, space)[:OFFERED]
    response = JsonResponse({"drafts": [_shown(request, draft, at) for draft in found]})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@_json_errors
def save(request: SignedInRequest) -> HttpResponse:
    """Keep the draft the composer sent (`space`, `kind` and its fields)."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        return JsonResponse(error_body(TOO_BIG), status=413)
    data = request.POST
    space = access_space(request.user, data.get("space", ""))
    text = DraftText(**{name: data.get(name, "") for name in DraftText.__dataclass_fields__})
    draft = do_save_draft(space, actor=request.user, kind=data.get("kind", ""), text=text)
    return JsonResponse({"id": draft.pk, "saved": int(draft.saved_at.timestamp() * 1000)})


@login_required
@require_POST
@_json_errors
def discard(request: SignedInRequest, draft_id: int) -> HttpResponse:
    """Delete one of the person's own drafts (404 for anyone else's)."""
    do_discard_draft(access_draft(request.user, draft_id), actor=request.user)
    return HttpResponse(status=204)
