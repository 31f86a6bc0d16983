"""The pulse question in a few demo spaces: switched on by each space's owner a month ago and
answered by members since, through the insights actions, then dated in the past like the
conversations. As in the app, a member answers only once asked (insights.access: 14 days in the
space and active on 3 days), so each answer is dated just after a read of the space on a day
the member was due then; members never due in that month do not answer. Loaded after the
reading history, which those reads come from. The spaces' averages differ, as their
recommendations do."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.demo.people import NEVER_SIGNED_IN
from afterclass.insights.access import PULSE_ACTIVE_DAYS, PULSE_AFTER_DAYS
from afterclass.insights.actions import do_answer_pulse, do_change_insight_settings
from afterclass.insights.models import Event, EventKind, InsightSettings, PulseAnswer
from afterclass.people.models import Person
from afterclass.spaces.models import Membership, MembershipState, Role, Space, Status

SWITCHED_ON_DAYS_AGO = 26


@dataclass(frozen=True)
class Pulse:
    """The scores members gave (one member each), and whether the owner also shares the
    space's health summary with its members."""

    scores: tuple[int, ...]
    health_visible_to_members: bool = False


PULSES: dict[str, Pulse] = {
    "new-managers-circle": Pulse((5, 5, 4, 5, 4, 5, 4, 5, 3), health_visible_to_members=True),
    "excel-data-skills-follow-up": Pulse((4, 4, 3, 5, 4, 3, 4)),
    "wellbeing-at-work": Pulse((3, 2, 4, 3, 2, 3)),
}


def load_pulses(*, seed: int, now: datetime) -> int:
    """Switch the pulse on and answer it in each space of PULSES whose owner has not chosen
    its insight settings yet; returns how many answers were given."""
    answered = 0
    spaces = Space.objects.filter(slug__in=PULSES, status=Status.LAUNCHED).order_by("slug")
    for space in spaces:
        if InsightSettings.objects.filter(space=space).exists():
            continue
        rng = random.Random(f"{seed}:{space.slug}:pulse")  # noqa: S311 - demo data
        answered += PulseWriter(space, PULSES[space.slug], rng, now=now).write()
    return answered


def _last_pk(queryset: QuerySet[Event] | QuerySet[AuditEntry]) -> int:
    return int(queryset.aggregate(last=Max("pk"))["last"] or 0)


class PulseWriter:
    def __init__(self, space: Space, pulse: Pulse, rng: random.Random, *, now: datetime) -> None:
        self.space = space
        self.pulse = pulse
        self.rng = rng
        self.now = now
        memberships = list(
            Membership.objects.filter(space=space, state=MembershipState.ACTIVE)
            .select_related("person")
            .order_by("person__email")
        )
        self.owner = next(m.person for m in memberships if m.role == Role.OWNER)
        # Members who take part answer it; the owner who asks does not.
        self.members = [
            m.person
            for m in memberships
            if m.role != Role.OWNER and m.person.job_title not in NEVER_SIGNED_IN
        ]
        self.joined = {m.person_id: m.joined_at or m.created_at for m in memberships}

    def write(self) -> int:
        event_mark = _last_pk(Event.objects.all())
        audit_mark = _last_pk(AuditEntry.objects.all())
        switched_on = self.now - timedelta(days=SWITCHED_ON_DAYS_AGO)
        do_change_insight_settings(
            self.space,
            actor=self.owner,
            pulse_enabled=True,
            health_visible_to_members=self.pulse.health_visible_to_members,
        )
        InsightSettings.objects.filter(space=self.space).update(updated_at=switched_on)
        AuditEntry._base_manager.filter(pk__gt=audit_mark).update(time=switched_on)
        people = self.rng.sample(self.members, len(self.members))
        answered = 0
        for person in people:
            if answered == len(self.pulse.scores):
                break
            when = self.due_moment(person, since=switched_on)
            if when is None:
                continue
            do_answer_pulse(self.space, actor=person, score=self.pulse.scores[answered])
            PulseAnswer.objects.filter(space=self.space, person=person).update(answered_at=when)
            Event.objects.filter(pk__gt=event_mark).update(time=when)
            event_mark = _last_pk(Event.objects.all())
            answered += 1
        return answered

    def due_moment(self, person: Person, *, since: datetime) -> datetime | None:
        """A moment, a few minutes after one of `person`'s reads of the space between `since`
        and yesterday, when they were due for the pulse question: 14 days after joining and
        active on 3 earlier days. None when there is no such moment."""
        joined = self.joined[person.pk]
        asked_from = joined + timedelta(days=PULSE_AFTER_DAYS)
        times = Event.objects.filter(
            space=self.space, person=person, time__gte=joined, time__lt=self.now - timedelta(days=1)
        ).values_list("kind", "time")
        days: set[date] = set()
        moments = []
        for kind, time in sorted(times, key=lambda row: row[1]):
            day = timezone.localdate(time)
            read_when_due = kind == EventKind.VIEWED and time >= max(since, asked_from)
            if read_when_due and len(days - {day}) >= PULSE_ACTIVE_DAYS:
                moments.append(time)
            days.add(day)
        if not moments:
            return None
        read = self.rng.choice(moments)
        return min(read + timedelta(minutes=self.rng.uniform(1, 10)), self.now)
