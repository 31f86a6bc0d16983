"""Background work of insights: the periodic rollup, the only place today's figures are computed."""

from __future__ import annotations

from django.tasks import task

from afterclass.insights.rollups import roll_up_recent


@task()
def rollup_insights(days: int = 2) -> int:
    """Bring the rollups of the last `days` days up to date, today always (the pages only read
    them); returns how many days were computed."""
    return roll_up_recent(days)
