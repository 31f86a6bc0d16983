"""Background work of insights: the nightly rollup."""

from __future__ import annotations

from django.tasks import task

from afterclass.insights.periods import Period
from afterclass.insights.rollups import ensure_rollups


@task()
def rollup_insights(days: int = 2) -> int:
    """Bring the rollups of the last `days` days up to date; returns how many were computed."""
    return ensure_rollups(Period.last_days(days))
