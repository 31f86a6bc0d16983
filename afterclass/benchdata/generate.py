"""`afterclass bench generate`: fill an empty database with a benchmark data set of a tier's
size, the same rows for the same seed, then build what is derived from them (the insight
rollups and the search index) with the product's own code."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from afterclass.benchdata.content import ContentWriter, fill_events, plan_posts
from afterclass.benchdata.learning import write_learning
from afterclass.benchdata.organisation import write_organisation
from afterclass.benchdata.tiers import Tier
from afterclass.benchdata.writer import Progress, Writer, batch, fast_writes
from afterclass.core.tasks import refresh_statistics
from afterclass.insights.periods import Period
from afterclass.insights.rollups import compute_rollups
from afterclass.people.models import Person
from afterclass.posts.models import Post
from afterclass.search.index import rebuild
from afterclass.spaces.models import Space

DAYS_PER_MONTH = 30.4


class NotEmpty(Exception):
    """The database already holds an organisation: a data set is only made in an empty one."""


@dataclass
class Generated:
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def check_empty() -> None:
    if Person.objects.exists() or Space.objects.exists() or Post.objects.exists():
        raise NotEmpty(
            "This database already has people or spaces. Generate into an empty one: point "
            "AFTERCLASS_DATA_DIR (or DATABASE_URL) at a new place, run `afterclass migrate`, "
            "then `afterclass bench generate` again."
        )


def generate(
    tier: Tier,
    *,
    seed: int = 1,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Generated:
    """Write the data set of `tier`. `now` is when the data ends (by default the start of the
    current hour, so that two runs in the same hour make the same rows)."""
    check_empty()
    now = now or timezone.now().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=round(tier.months * DAYS_PER_MONTH))
    rng = random.Random(seed)  # noqa: S311 - made-up data, the same for the same seed
    writer = Writer()
    result = Generated(counts={})
    clock = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal clock
        result.seconds[stage] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    with fast_writes():
        with batch(writer):
            org = write_organisation(writer, rng, tier, start=start, now=now)
        if progress:
            progress("people", tier.people, tier.people)
        lap("people and spaces")
        posts = plan_posts(rng, tier, org, start=start, now=now)
        content = ContentWriter(writer, rng, org, tier, now)
        content.write_all(posts, progress)
        lap("posts")
        with batch(writer):
            write_learning(writer, rng, org, now=now)
        lap("learning")
        fill_events(writer, rng, org, content, tier.events, start=start, now=now)
        lap("events")
        writer.reset_sequences()
        compute_rollups(Period(start.date(), timezone.localdate(now)))
        lap("rollups")
        result.counts = dict(sorted(writer.counts.items()))
        result.counts.update(
            {f"search: {name}": count for name, count in rebuild(progress=progress).items()}
        )
        lap("search")
        refresh_statistics()  # as the nightly job would have, on a database in use
        lap("statistics")
    return result
