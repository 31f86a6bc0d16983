"""Drafts kept on the server: a long post being written in the composer, one per person, space and
kind, so that it survives a lost browser and is offered back on another device.

The browser keeps every draft itself (composer.js, localStorage); it sends one here only once the
text is long (composer.js: SERVER_DRAFT_MIN), at most every few seconds. A draft is its author's
alone: every read and write is the actor's own rows, and anyone else's is 404, as is a draft in
a space the author may no longer see. Drafts are scratch, not content: no audit entry, no
event, no notification; posting deletes the draft (the composer, posts.views.composer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from afterclass.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from afterclass.posts.access import check_can_post
from afterclass.posts.models import Draft, PostKind
from afterclass.spaces.models import Space

if TYPE_CHECKING:
    from afterclass.people.models import Person

DRAFT_NOT_FOUND = "There is no such draft."
# How often one draft may be saved: the browser waits for a pause in the typing anyway.
MIN_INTERVAL = timedelta(seconds=2)
# Drafts a person may keep at once (one per space and kind: more means something is wrong).
MAX_DRAFTS = 50
OFFERED = 10  # the newest drafts offered back (on a composer's bar, in the API's list)
LIMITS = {"title": 200, "body": 20000, "link_url": 1000, "options": 2000}
LABELS = {"title": "title", "body": "text", "link_url": "link", "options": "options"}


@dataclass(frozen=True)
class DraftText:
    title: str = ""
    body: str = ""
    link_url: str = ""
    options: str = ""


def drafts_of(person: Person, space: Space | None = None) -> QuerySet[Draft]:
    """The person's own drafts, newest first, in spaces they may still see (one space's only
    when given): a draft in a space now hidden from them is not offered, nor loaded."""
    drafts = Draft.objects.filter(person=person, space__in=Space.objects.visible_to(person))
    if space is not None:
        drafts = drafts.filter(space=space)
    return drafts.select_related("space").order_by("-saved_at", "-pk")


def access_draft(person: Person, draft_id: int) -> Draft:
    """The person's own draft; 404 for one that does not exist or is anyone else's."""
    draft = drafts_of(person).filter(pk=draft_id).first()
    if draft is None:
        raise NotFound(DRAFT_NOT_FOUND)
    return draft


def check_draft_text(text: DraftText) -> DraftText:
    """Refuse a draft too long for the post it would become, or an empty one (400)."""
    for name, limit in LIMITS.items():
        if len(getattr(text, name)) > limit:
            raise InvalidInput(
                f"The draft's {LABELS[name]} is longer than a post's ({limit} characters): "
                "it is kept in this browser only.",
                field=name,
            )
    if not any(getattr(text, name).strip() for name in LIMITS):
        raise InvalidInput("There is nothing in this draft to keep.", field="body")
    return text


def do_save_draft(space: Space, *, actor: Person, kind: str, text: DraftText) -> Draft:
    """Keep the actor's draft of a `kind` post in the space (the one they had there, replaced).

    Only a post the actor may write there now (posts.access.check_can_post: 403 otherwise) and
    of a post's size (400); the same draft at most once every MIN_INTERVAL (429), and at most
    MAX_DRAFTS in all (409). The space is one the actor may see (the caller's access_space)."""
    if kind not in PostKind.values:
        raise InvalidInput("There is no such kind of post.", field="kind")
    check_can_post(actor, space, kind, anonymous=False)
    check_draft_text(text)
    now = timezone.now()
    fields = {name: getattr(text, name) for name in LIMITS}
    with transaction.atomic():
        draft = (
            Draft.objects.select_for_update().filter(person=actor, space=space, kind=kind).first()
        )
        if draft is not None:
            _check_not_too_soon(draft, now)
            for name, value in fields.items():
                setattr(draft, name, value)
            draft.saved_at = now
            draft.save(update_fields=[*fields, "saved_at"])
            return draft
        if Draft.objects.filter(person=actor).count() >= MAX_DRAFTS:
            raise Conflict(f"You have {MAX_DRAFTS} drafts kept already: post or discard one first.")
        try:
            with transaction.atomic():
                return Draft.objects.create(
                    person=actor, space=space, kind=kind, saved_at=now, **fields
                )
        except IntegrityError as error:
            # Another request of the same person created it a moment ago.
            raise _too_soon(MIN_INTERVAL) from error


def _check_not_too_soon(draft: Draft, now: datetime) -> None:
    since = now - draft.saved_at
    if since < MIN_INTERVAL:
        raise _too_soon(MIN_INTERVAL - since)


def _too_soon(wait: timedelta) -> TooManyRequests:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    return TooManyRequests(
        f"This draft was saved a moment ago. Try again in {seconds} second"
        f"{'s' if seconds != 1 else ''}.",
        retry_after=seconds,
    )


def do_discard_draft(draft: Draft, *, actor: Person) -> None:
    """Delete the actor's own draft (loaded with access_draft)."""
    if draft.person_id != actor.pk:
        raise NotFound(DRAFT_NOT_FOUND)
    draft.delete()


def do_discard_drafts_of_post(space: Space, *, actor: Person, kind: str) -> None:
    """The post is written: the actor's draft of it (that space and kind) is gone."""
    Draft.objects.filter(person=actor, space=space, kind=kind).delete()
