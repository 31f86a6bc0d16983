"""Who sees which insights. Space owners and moderators see their space's insights and
organisation admins see every space's; members see a small health summary when the owner
allows it; named people (who is active, the go-to colleagues) only the space's owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models.functions import TruncDate
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.insights.models import Event, InsightSettings
from afterclass.people.models import Person
from afterclass.spaces.access import access_space, can_manage, is_signed_in, my_place
from afterclass.spaces.models import Membership, MembershipState, Space

INSIGHTS_NOT_FOUND = "There are no insights here that you can see."
PULSE_AFTER_DAYS = 14  # in the space for two weeks…
PULSE_ACTIVE_DAYS = 3  # …and active on three days of them, before being asked if it helped


def can_view_insights(person: Person | AnonymousUser | None, space: Space) -> bool:
    place = my_place(person, space)
    return place.is_org_admin or place.is_moderator


def can_see_individuals(person: Person | AnonymousUser | None, space: Space) -> bool:
    """Only the space's own owners see who is active and who answers across departments."""
    return my_place(person, space).is_owner


def insight_settings(space: Space) -> InsightSettings:
    """The space's insight settings, or the defaults (everything off) when never changed."""
    return InsightSettings.objects.filter(space=space).first() or InsightSettings(space=space)


def can_view_health(person: Person | AnonymousUser | None, space: Space) -> bool:
    """The members' "space health" summary: when the owner shares it, or for those who see
    the full insights."""
    if can_view_insights(person, space):
        return True
    return my_place(person, space).is_active_member and (
        insight_settings(space).health_visible_to_members
    )


def access_space_insights(person: Person | AnonymousUser | None, slug: str) -> Space:
    """The space whose insights `person` may see; 404 for everyone else (members included)."""
    space = access_space(person, slug)
    if not can_view_insights(person, space):
        raise NotFound(INSIGHTS_NOT_FOUND)
    return space


def access_space_health(person: Person | AnonymousUser | None, slug: str) -> Space:
    space = access_space(person, slug)
    if not can_view_health(person, space):
        raise NotFound(INSIGHTS_NOT_FOUND)
    return space


def check_can_change_insight_settings(person: Person | AnonymousUser | None, space: Space) -> None:
    if not can_manage(person, space):
        raise NotAllowed("Only the space's owners can change what its insights share.")


def check_can_view_organisation(person: Person | AnonymousUser | None) -> None:
    """The organisation view is for organisation admins; others get 404."""
    if not (is_signed_in(person) and person.is_org_admin):
        raise NotFound(INSIGHTS_NOT_FOUND)


@dataclass(frozen=True)
class PulseProgress:
    """How far a member is on the way to being asked the pulse question: `asked_from` is the
    first moment the 14 days in the space are up, `active_days` the days they have been active
    in it since joining (counted up to PULSE_ACTIVE_DAYS, enough to decide)."""

    asked_from: datetime
    active_days: int

    def is_due(self, now: datetime) -> bool:
        return now >= self.asked_from and self.active_days >= PULSE_ACTIVE_DAYS

    def not_yet(self, now: datetime) -> str:
        """When the question will be asked, in words, for a member who is not due yet."""
        more = PULSE_ACTIVE_DAYS - self.active_days
        days = f"{more} more day{pluralize(more)}"
        if now < self.asked_from:
            day = date_format(timezone.localtime(self.asked_from), "j F Y")
            also = f", once you have also been active in it on {days}" if more > 0 else ""
            when = f"from {day} ({PULSE_AFTER_DAYS} days after you joined){also}"
        else:
            when = f"once you have been active in the space on {days}"
        return (
            f"The pulse question is asked after {PULSE_AFTER_DAYS} days in the space and "
            f"activity on {PULSE_ACTIVE_DAYS} different days: you will be asked {when}."
        )


def _joined(person: Person | AnonymousUser | None, space: Space) -> datetime | None:
    """When `person` joined the space, if they are an active member of it."""
    if person is None or not person.is_authenticated:
        return None
    membership = Membership.objects.filter(
        space=space, person=person, state=MembershipState.ACTIVE
    ).first()
    if membership is None:
        return None
    return membership.joined_at or membership.created_at


def _active_days(person: Person, space: Space, since: datetime) -> int:
    """The days `person` was active in the space since `since`, counted up to
    PULSE_ACTIVE_DAYS (enough to decide)."""
    days = (
        Event.objects.filter(space=space, person=person, time__gte=since)
        .annotate(day=TruncDate("time"))
        .values("day")
        .distinct()
        .order_by()[:PULSE_ACTIVE_DAYS]
    )
    return len(days)


def pulse_progress(person: Person | AnonymousUser | None, space: Space) -> PulseProgress | None:
    """Where an active member stands towards the pulse question; None for anyone else. Two
    queries."""
    joined = _joined(person, space)
    if joined is None or not isinstance(person, Person):
        return None
    return PulseProgress(
        asked_from=joined + timedelta(days=PULSE_AFTER_DAYS),
        active_days=_active_days(person, space, joined),
    )


def is_due_for_pulse(person: Person | AnonymousUser | None, space: Space) -> bool:
    """The pulse question ("has this space helped you?") is for an active member who has been
    in the space for 14 days and active in it on at least 3 different days: asked earlier, the
    answer says nothing about the space. Two queries at most (one before the 14 days)."""
    joined = _joined(person, space)
    if joined is None or not isinstance(person, Person):
        return False
    if timezone.now() - joined < timedelta(days=PULSE_AFTER_DAYS):
        return False
    return _active_days(person, space, joined) >= PULSE_ACTIVE_DAYS


def check_due_for_pulse(person: Person | AnonymousUser | None, space: Space) -> None:
    """Refuse a pulse answer from a member who is not asked yet (is_due_for_pulse), saying when
    they will be. Answering again is not checked here: the action lets a member who has
    answered before replace their answer."""
    progress = pulse_progress(person, space)
    if progress is None:
        raise NotAllowed("Only members of the space answer its pulse question.")
    now = timezone.now()
    if not progress.is_due(now):
        raise NotAllowed(progress.not_yet(now))
