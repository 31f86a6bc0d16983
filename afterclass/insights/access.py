"""Who sees which insights. Space owners and moderators see their space's insights and
organisation admins see every space's; members see a small health summary when the owner
allows it; named people (who is active, the go-to colleagues) only the space's owners."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models.functions import TruncDate
from django.utils import timezone

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


def is_due_for_pulse(person: Person | AnonymousUser | None, space: Space) -> bool:
    """The pulse question ("has this space helped you?") is for an active member who has been
    in the space for 14 days and active in it on at least 3 different days: asked earlier, the
    answer says nothing about the space. Two queries at most."""
    if person is None or not person.is_authenticated:
        return False
    membership = Membership.objects.filter(
        space=space, person=person, state=MembershipState.ACTIVE
    ).first()
    if membership is None:
        return False
    joined = membership.joined_at or membership.created_at
    if timezone.now() - joined < timedelta(days=PULSE_AFTER_DAYS):
        return False
    days = (
        Event.objects.filter(space=space, person=person, time__gte=joined)
        .annotate(day=TruncDate("time"))
        .values("day")
        .distinct()
        .order_by()[:PULSE_ACTIVE_DAYS]
    )
    return len(days) >= PULSE_ACTIVE_DAYS
