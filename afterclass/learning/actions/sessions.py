"""Facilitators plan the formal sessions a space follows up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from afterclass.attachments.actions import remove_files_on_commit
from afterclass.attachments.attach import NO_CHANGE, apply_files, check_files
from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput
from afterclass.core.indexing import reindex_session_on_commit
from afterclass.core.validation import clean_text
from afterclass.learning.access import check_is_facilitator
from afterclass.learning.actions.common import clean_time_zone, required_moment
from afterclass.learning.models import Session
from afterclass.spaces.models import Membership, MembershipState, Role

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space


def _clean_link(link: Any) -> str:
    text = clean_text(link, "link", max_length=500, required=False)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError as error:
            raise InvalidInput("The link must be a full web address starting with https://.",
                               field="link") from error  # fmt: skip
    return text


def _facilitators(space: Space, ids: Sequence[int]) -> list[int]:
    wanted = set(ids)
    found = set(
        Membership.objects.filter(
            space=space, person_id__in=wanted, state=MembershipState.ACTIVE,
            role__in=[Role.OWNER, Role.MODERATOR],
        ).values_list("person_id", flat=True)
    )  # fmt: skip
    if wanted - found:
        raise InvalidInput("Facilitators must be owners or moderators of this space.",
                           field="facilitators")  # fmt: skip
    return sorted(found)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    zone = clean_time_zone(fields.get("time_zone") or "UTC")
    starts = required_moment(fields.get("starts_at"), "starts_at", time_zone=zone)
    ends = required_moment(fields.get("ends_at"), "ends_at", time_zone=zone)
    if ends <= starts:
        raise InvalidInput("The session must end after it starts.", field="ends_at")
    return {
        "title": clean_text(fields.get("title"), "title", max_length=200, required=True),
        "description": clean_text(
            fields.get("description"), "description", max_length=5000, required=False
        ),
        "starts_at": starts,
        "ends_at": ends,
        "time_zone": zone,
        "place": clean_text(fields.get("place"), "place", max_length=200, required=False),
        "link": _clean_link(fields.get("link")),
    }


def do_create_session(
    space: Space, *, actor: Person, facilitator_ids: Sequence[int] = (),
    attachment_ids: Sequence[int] = (), **fields: Any,
) -> Session:  # fmt: skip
    """A facilitator adds a session: title, start and end in a named time zone, a place or a
    link, the facilitators who run it (owners or moderators of the space), and its materials:
    the facilitator's own uploads that nothing has taken yet."""
    check_is_facilitator(actor, space)
    values = _clean(fields)
    people = _facilitators(space, facilitator_ids)
    files = check_files(actor, attachment_ids)
    with transaction.atomic():
        session = Session.objects.create(space=space, **values)
        session.facilitators.set(people)
        apply_files(files, "session", session, actor=actor)
        record_audit("session.create", session, actor=actor, space_id=space.pk, **files.audit())
        reindex_session_on_commit(session.pk)
    return session


def do_update_session(
    session: Session, *, actor: Person, facilitator_ids: Sequence[int] | None = None,
    attachment_ids: Sequence[int] | None = None, **fields: Any,
) -> Session:  # fmt: skip
    """`attachment_ids`, when given, is the whole new list of materials: files the session has
    now and the facilitator's own new uploads; those left out are deleted."""
    check_is_facilitator(actor, session.space)
    current = {
        name: getattr(session, name)
        for name in ("title", "description", "starts_at", "ends_at", "time_zone", "place", "link")
    }
    current.update({k: v for k, v in fields.items() if k in current})
    values = _clean(current)
    people = _facilitators(session.space, facilitator_ids) if facilitator_ids is not None else None
    files = NO_CHANGE
    if attachment_ids is not None:
        files = check_files(actor, attachment_ids, current=list(session.attachments.all()))
    with transaction.atomic():
        for name, value in values.items():
            setattr(session, name, value)
        session.save(update_fields=list(values))
        if people is not None:
            session.facilitators.set(people)
        apply_files(files, "session", session, actor=actor)
        record_audit("session.update", session, actor=actor, space_id=session.space_id,
                     **files.audit())  # fmt: skip
        reindex_session_on_commit(session.pk)
    return session


def do_delete_session(session: Session, *, actor: Person) -> None:
    """Units that followed it stay (they no longer name a session); its materials go."""
    check_is_facilitator(actor, session.space)
    with transaction.atomic():
        remove_files_on_commit(list(session.attachments.all()))
        record_audit("session.delete", session, actor=actor, space_id=session.space_id,
                     title=session.title)  # fmt: skip
        reindex_session_on_commit(session.pk)
        session.delete()
