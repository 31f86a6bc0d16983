"""Insight pages over a large generated event history, as ratios to baselines in the same run.

Not a test: run it by hand, on each backend.

    .venv/bin/python bench/insights_bench.py                      # SQLite, in a temporary folder
    .venv/bin/python bench/insights_bench.py --backend postgresql # needs PostgreSQL on 127.0.0.1
    .venv/bin/python bench/insights_bench.py --events 100000      # a quicker run

It makes a fresh database (a temporary SQLite file, or the PostgreSQL database
`afterclass_insights_bench`, dropped afterwards unless --keep), generates --events analytics
events (default 1,000,000) over 180 days, 20 spaces and 2,000 people, computes the rollups once
(timed: what the nightly job and the first page after a gap pay), then times, in the same run:

- baseline 1: a space's feed page (20 newest posts), a plain indexed lookup;
- baseline 2: ONE figure read from the raw events — the distinct people active in a space over
  90 days — which is what every figure would cost without rollups;
- a space's whole insights (every figure of the page, 90 days, compared with the 90 before);
- the organisation view (20 spaces side by side, 90 days).

It prints the median of --repeat runs of each and its ratio to each baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from typing import Any

from benchkit import add_database_arguments, configure, median_ms

PG_NAME = "afterclass_insights_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from afterclass.insights.models import Event, EventKind
    from afterclass.people.models import Department, ManagementLevel, Organisation, Person
    from afterclass.posts.models import ContentState, Post, PostKind
    from afterclass.spaces.actions import do_create_space, do_set_space_status
    from afterclass.spaces.models import Membership, Status

    rng = random.Random(args.seed)
    Organisation.current()
    departments = [Department.objects.create(name=f"Department {n}") for n in range(12)]
    levels = [ManagementLevel.objects.create(name=f"Level {n}", rank=100 + n) for n in range(4)]
    owner = Person.objects.create_user("owner@bench.example", "x", display_name="Bench Owner")
    owner.is_org_admin = True
    owner.save(update_fields=["is_org_admin"])
    people = Person.objects.bulk_create(
        Person(
            email=f"p{n}@bench.example",
            display_name=f"Person {n}",
            department=departments[n % len(departments)],
            level=levels[n % len(levels)],
            last_login=timezone.now() if n % 10 else None,
        )
        for n in range(2000)
    )
    spaces = []
    for number in range(20):
        space = do_create_space(
            actor=owner, name=f"Space {number}", purpose="Benchmarking.", rules="Be kind."
        )
        do_set_space_status(space, Status.LAUNCHED, actor=owner)
        spaces.append(space)
        Membership.objects.bulk_create(
            Membership(space=space, person=person, rules_version_accepted=1)
            for person in rng.sample(people, 300)
        )
    now = timezone.now()
    Post.objects.bulk_create(
        Post(space=spaces[n % 20], author=owner, kind=PostKind.QUESTION, title=f"Question {n}",
             body="Why?", body_html="<p>Why?</p>", state=ContentState.VISIBLE,
             created_at=now - timedelta(hours=n), last_activity_at=now)
        for n in range(4000)
    )  # fmt: skip
    kinds = [
        (EventKind.VIEWED, ""),
        (EventKind.VIEWED, ""),
        (EventKind.VIEWED, ""),
        (EventKind.REACTED, "like"),
        (EventKind.COMMENTED, ""),
        (EventKind.ANSWERED, ""),
        (EventKind.POSTED, "question"),
        (EventKind.VOTED, ""),
    ]
    started = time.monotonic()
    batch: list[Event] = []
    for number in range(args.events):
        person = people[int(rng.paretovariate(1.2)) % len(people)]
        other = rng.choice(people)
        kind, detail = rng.choice(kinds)
        interaction = kind in (EventKind.REACTED, EventKind.COMMENTED, EventKind.ANSWERED)
        batch.append(
            Event(
                time=now - timedelta(seconds=rng.randrange(180 * 86400)),
                kind=kind,
                detail=detail,
                person_id=person.pk,
                space_id=spaces[int(rng.paretovariate(1.5)) % 20].pk,
                department_id=person.department_id,
                level_id=person.level_id,
                other_department_id=other.department_id if interaction else None,
                other_level_id=other.level_id if interaction else None,
            )
        )
        if len(batch) == 10_000:
            Event.objects.bulk_create(batch)
            batch = []
            print(f"\rgenerated {number + 1}/{args.events} events", end="", file=sys.stderr)
    Event.objects.bulk_create(batch)
    took = time.monotonic() - started
    print(f"\rgenerated {args.events} events in {took:.0f}s", file=sys.stderr)
    # Spaces and people are drawn Pareto-wise: space 1 is the busiest, as in a real organisation.
    return {"space": spaces[1]}


def main() -> None:
    args = parse_args()
    drop = configure(args, PG_NAME)
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        data = generate(args)

        from django.db import connection

        from afterclass.insights.metrics import space_insights
        from afterclass.insights.models import Event
        from afterclass.insights.organisation import organisation_insights
        from afterclass.insights.periods import Period
        from afterclass.insights.rollups import compute_rollups
        from afterclass.posts.models import ContentState, Post

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.monotonic()
        compute_rollups(Period.last_days(181))
        rollup_s = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        space = data["space"]
        period = Period.last_days(90)

        def feed() -> object:
            return list(
                Post.objects.filter(space=space, state=ContentState.VISIBLE).order_by(
                    "-is_pinned", "-created_at", "-id"
                )[:20]
            )

        def raw_figure() -> object:
            return (
                Event.objects.filter(space=space, time__gte=period.start, time__lt=period.end)
                .values("person_id")
                .distinct()
                .count()
            )

        base = median_ms(feed, args.repeat)
        raw = median_ms(raw_figure, args.repeat)
        page = median_ms(lambda: space_insights(space, period, individuals=True), args.repeat)
        org = median_ms(lambda: organisation_insights(period), args.repeat)
        print(f"\n{args.backend}, {args.events} events, median of {args.repeat} runs")
        print(f"rollups of 181 days computed once in {rollup_s:.1f}s")
        print(f"{'':<58} {'ms':>9} {'x feed':>8} {'x raw':>8}")
        rows = [
            ("baseline 1: a feed page (indexed lookup)", base),
            ("baseline 2: one figure from the raw events, 90 days", raw),
            ("a space's whole insights from the rollups, 90 days", page),
            ("the organisation view from the rollups, 90 days", org),
        ]
        for label, took in rows:
            print(f"{label:<58} {took:9.2f} {took / base:8.1f} {took / raw:8.2f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
