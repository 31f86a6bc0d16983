"""`Idempotency-Key` on the API's unsafe requests: a retried request gets the first answer.

As Stripe's API and the IETF draft "The Idempotency-Key HTTP Header Field" do: the key belongs
to the person sending it (by token or by session); the first request with a key claims it by
inserting a row, runs, and its answer (status, content type, body) is kept for a day. A retry of
the same request (method, path, query and body) gets that answer again, marked
`Idempotent-Replayed: true`, and runs nothing; the same key on a different request is refused
with 422, and a retry while the first is still running with 409. A 5xx (and a refusal the
client can mend: 401, 403, 429) frees the key instead, so the client may retry with it.

The claim is committed before the endpoint runs, so that a concurrent retry sees it. A request
whose server was killed while it ran therefore keeps its key "in progress" until the key expires:
whether it created something is unknown, and running it again might create it twice.

A middleware rather than a ninja hook, because the claim must be taken before the endpoint runs
and the answer kept after ninja has rendered it, errors included. Ninja resolves the bearer
token only inside the endpoint, so the middleware asks the same `TokenAuth` who is sending.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from ninja.errors import HttpError

from afterclass.api.auth import TokenAuth
from afterclass.api.models import IdempotencyKey
from afterclass.core.errors import error_body
from afterclass.people.models import Person

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Answers the client can mend and then retry with the same key (sign in, send the CSRF token,
# wait for the rate limit), besides every 5xx: these free the key instead of being kept.
NOT_KEPT = frozenset({401, 403, 408, 429})
PRUNE_BATCH = 1000

BAD_KEY = (
    f"The {KEY_HEADER} header must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
    "(letters, digits and punctuation, no spaces), such as a UUID."
)
KEY_REUSED = (
    f"This {KEY_HEADER} was already used for a different request (another method, address or "
    "body). Send a new key with each new request."
)
IN_PROGRESS = (
    f"A request with this {KEY_HEADER} is still being processed. Retry once it has been answered."
)

_bearer = TokenAuth()


def parse_key(value: str) -> str | None:
    """The key a header value carries, or None if it is not one we accept."""
    # The IETF draft sends the key as a structured-field string ("…"); most clients send it bare.
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_KEY_LENGTH:
        return None
    if not all("!" <= character <= "~" for character in value):
        return None
    return value


def sender(request: HttpRequest) -> Person | None:
    """The person the API will take the request to come from: the bearer token's owner first
    (as API_AUTH tries it first), else the signed-in session's person."""
    try:
        person = _bearer(request)
    except HttpError:
        return None  # a token not valid, or not for this: ninja answers 401 or 403 itself
    if isinstance(person, Person):
        return person
    user = request.user
    if isinstance(user, Person) and user.is_active:
        return user
    return None


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what the request asks for beyond its method and path: query and body."""
    digest = hashlib.sha256(request.META.get("QUERY_STRING", "").encode() + b"\0")
    if request.method == "POST" and request.content_type == "multipart/form-data":
        # Uploads are hashed as Django parsed them (spooled to disk when large), never read
        # into memory whole as `request.body` would.
        parts: list[list[str | int]] = [
            ["field", name, *values] for name, values in sorted(request.POST.lists())
        ]
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                content = hashlib.sha256()
                for chunk in upload.chunks():
                    content.update(chunk)
                upload.seek(0)
                parts.append(
                    ["file", name, upload.name or "", upload.size or 0, content.hexdigest()]
                )
        digest.update(json.dumps(parts).encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


@dataclass(frozen=True)
class Asked:
    """What makes two requests with one key the same request."""

    method: str
    path: str
    fingerprint: str

    @classmethod
    def of(cls, request: HttpRequest) -> "Asked":
        return cls(request.method or "", request.path, fingerprint(request))

    def matches(self, row: IdempotencyKey) -> bool:
        return (row.method, row.path, row.fingerprint) == (self.method, self.path, self.fingerprint)


def claim_key(person: Person, key: str, asked: Asked) -> tuple[IdempotencyKey, bool]:
    """Take `key` for this request: (the new row, True), or (the row of the request that holds
    the key, False). The INSERT decides: of two concurrent requests only one can insert.

    A key older than KEY_LIFETIME that has not been pruned yet is free again."""
    earlier: IdempotencyKey | None = None
    for _ in range(3):
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    person=person,
                    key=key,
                    method=asked.method,
                    path=asked.path,
                    fingerprint=asked.fingerprint,
                )
            return row, True
        except IntegrityError:
            earlier = IdempotencyKey.objects.filter(person=person, key=key).first()
        if earlier is not None and earlier.created_at > timezone.now() - KEY_LIFETIME:
            return earlier, False
        if earlier is not None:
            IdempotencyKey.objects.filter(pk=earlier.pk, created_at=earlier.created_at).delete()
        # else: freed (a 5xx) between our INSERT and our read; try again.
    # Others kept winning the key in between: it is, as far as we know, in use.
    assert earlier is not None  # noqa: S101 - three failed INSERTs leave a row we read
    return earlier, False


def keep_answer(row: IdempotencyKey, response: HttpResponseBase) -> None:
    """Keep the answer for retries, or free the key if the answer is one to retry."""
    status = response.status_code
    if isinstance(response, HttpResponse) and status < 500 and status not in NOT_KEPT:
        IdempotencyKey.objects.filter(pk=row.pk).update(
            status=status,
            content_type=response.get("Content-Type", ""),
            body=response.content,
            answered_at=timezone.now(),
        )
    else:
        release_key(row)


def release_key(row: IdempotencyKey) -> None:
    """Free the key: the request's outcome is one the client may retry."""
    IdempotencyKey.objects.filter(pk=row.pk).delete()


def replay(row: IdempotencyKey) -> HttpResponse:
    """The kept answer, again."""
    response = HttpResponse(bytes(row.body), status=row.status)
    if row.content_type:
        response["Content-Type"] = row.content_type
    else:
        del response["Content-Type"]
    response[REPLAYED_HEADER] = "true"
    return response


def answer_to_earlier(row: IdempotencyKey, asked: Asked) -> HttpResponse:
    """What a request gets whose key is held by an earlier request."""
    if not asked.matches(row):
        return JsonResponse(error_body(KEY_REUSED), status=422)
    if row.status is None:
        return JsonResponse(error_body(IN_PROGRESS), status=409)
    return replay(row)


def prune_expired_keys(*, batch: int = PRUNE_BATCH) -> int:
    """Delete the keys older than KEY_LIFETIME, in short batches (SQLite has one writer)."""
    cutoff = timezone.now() - KEY_LIFETIME
    pruned = 0
    while True:
        expired = list(
            IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not expired:
            return pruned
        pruned += IdempotencyKey.objects.filter(pk__in=expired).delete()[0]


class IdempotencyMiddleware:
    """Applies `Idempotency-Key` to unsafe API requests from a known person; everything else
    passes through untouched (an unknown sender gets ninja's 401, which needs no key)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request.headers.get(KEY_HEADER)
        if (
            value is None
            or request.method not in UNSAFE_METHODS
            or not request.path.startswith(API_PREFIX)
        ):
            return self.get_response(request)
        key = parse_key(value)
        if key is None:
            return JsonResponse(error_body(BAD_KEY), status=400)
        person = sender(request)
        if person is None:
            return self.get_response(request)
        asked = Asked.of(request)
        row, claimed = claim_key(person, key, asked)
        if not claimed:
            return answer_to_earlier(row, asked)
        try:
            response = self.get_response(request)
        except BaseException:
            release_key(row)
            raise
        keep_answer(row, response)
        return response
