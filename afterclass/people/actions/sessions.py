"""Ending signed-in sessions: one of your own, all your others, or (an admin) all of a person's."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.db import transaction

from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput, NotFound
from afterclass.people.access import check_org_admin
from afterclass.people.actions.people import end_sessions
from afterclass.people.models import Person


def _end(sessions: list[UserSession]) -> int:
    for user_session in sessions:
        user_session.end()  # deletes the session itself, so its cookie no longer signs in
    return len(sessions)


def do_end_session(
    person: Person, session_id: int, *, actor: Person, current_key: str | None
) -> None:
    """End one of the actor's own sessions (someone else's is "not found"); the one they are
    using is ended by signing out."""
    user_session = UserSession.objects.filter(pk=session_id, user=person).first()
    if user_session is None or actor.pk != person.pk:
        raise NotFound("There is no such session.")
    if user_session.session_key == current_key:
        raise InvalidInput("This is the session you are using: sign out to end it.")
    with transaction.atomic():
        _end([user_session])
        record_audit("session.end", person, actor=actor, ended=1)


def do_end_other_sessions(person: Person, *, actor: Person, current_key: str | None) -> int:
    """End every session of the actor's but the one they are using; how many ended."""
    if actor.pk != person.pk:
        raise NotFound("There is no such person.")
    others = list(UserSession.objects.filter(user=person).exclude(session_key=current_key or ""))
    with transaction.atomic():
        ended = _end(others)
        record_audit("session.end_others", person, actor=actor, ended=ended)
    return ended


def do_end_all_sessions(person: Person, *, actor: Person) -> int:
    """An organisation admin signs a person out everywhere (a lost laptop, a leaver): the
    sessions recorded at sign-in, and any other (the back office's own sign-in records none)."""
    check_org_admin(actor)
    sessions = list(UserSession.objects.filter(user=person))
    with transaction.atomic():
        ended = _end(sessions) + end_sessions(person)
        record_audit("session.end_all", person, actor=actor, ended=ended)
    return ended
