"""Notifications API: my notifications, the unread count, marking read, my preferences and
how much I hear from a space. The same access rules and actions as the pages."""

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router

from afterclass.core.api import PageParams, current_person, errors
from afterclass.notifications.actions import (
    do_mark_all_read,
    do_mark_read,
    do_set_email_settings,
    do_set_preference,
    do_set_space_level,
)
from afterclass.notifications.queries import (
    email_row,
    kind_rows,
    notifications_for,
    space_row,
    space_rows,
    unread_count,
    unread_label,
)
from afterclass.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
    ReadIn,
    ReadOut,
    SpaceLevelIn,
    SpaceLevelOut,
    UnreadCountOut,
)
from afterclass.spaces.access import access_space

router = Router(tags=["notifications"])

READ_ERRORS = errors(400, 401, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 422)


@router.get(
    "/notifications", response={200: NotificationPage, **READ_ERRORS}, summary="My notifications"
)
def notification_list(request: HttpRequest, params: Query[PageParams]) -> NotificationPage:
    """Newest first. What I may no longer see (a space I left, a hidden post) is left out."""
    page = notifications_for(current_person(request), params.cursor, limit=params.limit)
    return NotificationPage(
        items=[NotificationOut.build(row) for row in page.items], next=page.next
    )


@router.get(
    "/notifications/unread-count",
    response={200: UnreadCountOut, **errors(401)},
    summary="How many are unread",
)
def notification_unread_count(request: HttpRequest) -> UnreadCountOut:
    count = unread_count(current_person(request))
    return UnreadCountOut(count=count, label=unread_label(count))


@router.post("/notifications/read", response={200: ReadOut, **READ_ERRORS}, summary="Mark read")
def notification_read(request: HttpRequest, payload: ReadIn) -> ReadOut:
    """Mark some of my notifications read (`ids`), or all of them (`"all": true`)."""
    person = current_person(request)
    if payload.all:
        return ReadOut(marked=do_mark_all_read(actor=person))
    return ReadOut(marked=do_mark_read(payload.ids or [], actor=person))


def _preferences(request: HttpRequest) -> PreferencesOut:
    person = current_person(request)
    return PreferencesOut.build(kind_rows(person), space_rows(person), email_row(person))


@router.get(
    "/notifications/preferences",
    response={200: PreferencesOut, **errors(401)},
    summary="My notification preferences",
)
def preferences(request: HttpRequest) -> PreferencesOut:
    """Per kind its channel (defaults filled in), per space of mine its level, and e-mail."""
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response={200: PreferencesOut, **WRITE_ERRORS},
    summary="Change my notification preferences",
)
def preferences_update(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    """Only the fields sent change; all of them or none (anonymity_revealed cannot be off)."""
    person = current_person(request)
    with transaction.atomic():
        for kind, channel in (payload.kinds or {}).items():
            do_set_preference(kind, channel, actor=person)
        if payload.digest is not None or payload.no_email is not None:
            do_set_email_settings(actor=person, digest=payload.digest, no_email=payload.no_email)
    return _preferences(request)


@router.put(
    "/spaces/{slug}/notification-level",
    response={200: SpaceLevelOut, **WRITE_ERRORS},
    summary="How much I hear from a space",
)
def space_level(request: HttpRequest, slug: str, payload: SpaceLevelIn) -> SpaceLevelOut:
    """all (every new post too), direct (replies and mentions only) or muted."""
    person = current_person(request)
    space = access_space(person, slug)
    do_set_space_level(space, payload.level, actor=person)
    return SpaceLevelOut.build(space_row(person, space))
