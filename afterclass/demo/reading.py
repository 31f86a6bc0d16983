"""Ninety days of reading in the demo spaces, and when each person last signed in.

Insights count reading as activity ("active" includes reading), and in the app each read is
one VIEWED event per person, space and day (insights.actions.do_record_view). Writing
thousands of them one action at a time would make loading slow, so the demo writes them
directly, as a fixture would, with the reader's department and level. Each space has its own
readership: the thriving ones are read most days by many members, the dormant one stopped
being read weeks ago.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from afterclass.demo.people import NEVER_SIGNED_IN
from afterclass.insights.models import Event, EventKind
from afterclass.insights.periods import day_start
from afterclass.people.models import Person
from afterclass.spaces.models import Membership, MembershipState, Space, Status

BATCH = 1000
SATURDAY = 5
FIRST_HOUR, LAST_HOUR = 7, 22  # people read during the working day and the evening
WEEKEND = 0.3  # and much less at weekends: these are spaces for work


@dataclass(frozen=True)
class Readership:
    """How a space is read: each member gets one of `habits` (their chance of reading it on any
    day), in turn. A space that went quiet is read less and less from its launch until
    `quiet_days_ago`, and not at all since."""

    habits: tuple[float, ...]
    quiet_days_ago: int | None = None


READERSHIP: dict[str, Readership] = {
    # Thriving: most members read it several times a week.
    "new-managers-circle": Readership((0.6, 0.45, 0.4, 0.3, 0.25, 0.2, 0.12, 0.08, 0.05)),
    "site-safety-photo-board": Readership((0.45, 0.25, 0.15, 0.1, 0.06, 0.03, 0.02)),
    # Below its weekly target: a stream that a few advisors follow and most have forgotten.
    "quick-tips-customer-service": Readership((0.35, 0.1, 0.03, 0.01, 0.01)),
    "excel-data-skills-follow-up": Readership((0.4, 0.3, 0.2, 0.15, 0.1, 0.05)),
    # Read across the organisation, now and then; its questions wait for answers.
    "wellbeing-at-work": Readership((0.3, 0.15, 0.1, 0.06, 0.04, 0.03)),
    # Dormant: read in its first weeks, by nobody for the last month and a half.
    "hr-business-partners": Readership((0.35, 0.25, 0.15), quiet_days_ago=45),
    "onboarding-cohort-2025": Readership((0.4, 0.25, 0.15, 0.08)),
}


def load_reading(*, seed: int, now: datetime) -> int:
    """Write the reading history of every space that has none yet; returns how many events."""
    spaces = Space.objects.filter(
        slug__in=READERSHIP, status__in=(Status.LAUNCHED, Status.ARCHIVED)
    ).order_by("slug")
    written = 0
    for space in spaces:
        if Event.objects.filter(space=space, kind=EventKind.VIEWED).exists():
            continue
        rng = random.Random(f"{seed}:{space.slug}:reading")  # noqa: S311 - demo data
        events = ReadingWriter(space, READERSHIP[space.slug], rng, now=now).events()
        Event.objects.bulk_create(events, batch_size=BATCH)
        written += len(events)
    return written


class ReadingWriter:
    def __init__(
        self, space: Space, readership: Readership, rng: random.Random, *, now: datetime
    ) -> None:
        self.space = space
        self.readership = readership
        self.rng = rng
        self.now = now
        self.until = min(now, space.archived_at or now)
        self.members = list(
            Membership.objects.filter(
                space=space, state=MembershipState.ACTIVE, joined_at__isnull=False
            )
            .exclude(person__job_title__in=NEVER_SIGNED_IN)
            .select_related("person")
            .order_by("person__email")
        )

    def events(self) -> list[Event]:
        """One VIEWED event per reader and day: by habit, and on every day a member wrote or
        did something in the space (nobody answers a question they have not read)."""
        read: dict[tuple[int, date], datetime] = {}
        habits = self.readership.habits
        people = {membership.person_id: membership.person for membership in self.members}
        for index, membership in enumerate(self.members):
            habit = habits[index % len(habits)]
            joined = membership.joined_at or self.now
            for day in self.days(joined):
                if self.rng.random() < habit * self.fading(day) * self.weekday(day):
                    when = self.time_on(day)
                    if when is not None and when > joined:
                        read[(membership.person_id, day)] = when
        for person_id, when in self.acts():
            if person_id in people:
                day = self.local_day(when)
                key = (person_id, day)
                earlier = max(when - timedelta(minutes=self.rng.randint(1, 30)), day_start(day))
                read[key] = min(read.get(key, earlier), earlier)
        return [
            Event(
                time=when,
                kind=EventKind.VIEWED,
                person=people[person_id],
                space=self.space,
                department_id=people[person_id].department_id,
                level_id=people[person_id].level_id,
            )
            for (person_id, _), when in sorted(read.items(), key=lambda item: item[1])
        ]

    def days(self, joined: datetime) -> Iterable[date]:
        first = self.local_day(joined)
        last = self.local_day(self.until)
        for offset in range((last - first).days + 1):
            yield first + timedelta(days=offset)

    def fading(self, day: date) -> float:
        """1 while the space is read as usual; for a space that went quiet, falling from 1 at
        launch to 0 on the day it went quiet."""
        quiet = self.readership.quiet_days_ago
        if quiet is None:
            return 1.0
        launched = self.space.launched_at or self.now
        start = self.local_day(launched)
        end = self.local_day(self.now) - timedelta(days=quiet)
        if day >= end:
            return 0.0
        span = max(1, (end - start).days)
        return max(0.0, 1 - (day - start).days / span)

    def weekday(self, day: date) -> float:
        return WEEKEND if day.weekday() >= SATURDAY else 1.0

    def time_on(self, day: date) -> datetime | None:
        """A moment of `day` during waking hours, never after `until` (None: no time left)."""
        start = day_start(day)
        earliest = start + timedelta(hours=FIRST_HOUR)
        latest = min(start + timedelta(hours=LAST_HOUR), self.until - timedelta(minutes=1))
        if latest <= start:
            return None
        if latest <= earliest:
            earliest = start
        return earliest + (latest - earliest) * self.rng.random()

    def acts(self) -> list[tuple[int, datetime]]:
        """When members did something in the space other than reading (or asking in, or leaving)."""
        rows = (
            Event.objects.filter(space=self.space, person__isnull=False)
            .exclude(kind__in=(EventKind.VIEWED, EventKind.REQUESTED, EventKind.LEFT))
            .filter(time__lte=self.until)
            .values_list("person_id", "time")
            .order_by("time", "pk")
        )
        return [(person_id, time) for person_id, time in rows if person_id is not None]

    def local_day(self, moment: datetime) -> date:
        """The day of `moment` in the organisation's time zone, as insights count days."""
        return timezone.localdate(moment)


def load_sign_ins(*, seed: int, now: datetime) -> int:
    """Most people have signed in: their last sign-in is a little before the last thing they
    did (or some day of the last three months); the few of NEVER_SIGNED_IN never have.
    Only people who have no last sign-in yet are given one; returns how many."""
    rng = random.Random(f"{seed}:sign-ins")  # noqa: S311 - demo data
    people = list(
        Person.objects.filter(last_login__isnull=True)
        .exclude(job_title__in=NEVER_SIGNED_IN)
        .exclude(onboarded_at__isnull=True)  # not welcomed yet: they have never signed in
        .order_by("email")
    )
    latest = dict(
        Event.objects.filter(person__in=people)
        .values("person_id")
        .annotate(last=Max("time"))
        .order_by()
        .values_list("person_id", "last")
    )
    for person in people:
        last = latest.get(person.pk)
        if last is None:
            last = now - timedelta(days=rng.uniform(1, 90))
        person.last_login = min(last - timedelta(minutes=rng.uniform(1, 40)), now)
    Person.objects.bulk_update(people, ["last_login"], batch_size=BATCH)
    return len(people)
