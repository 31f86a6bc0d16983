"""Background work that keeps the database answering quickly as it grows."""

from __future__ import annotations

from django.db import connection
from django.tasks import task

# Rows SQLite samples per index when it gathers statistics: enough for the planner's choices,
# and bounded, so that the job takes milliseconds however large the tables are.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    """Gather the planner's statistics on SQLite (`ANALYZE`, sampled), which it otherwise never
    has: without them it guesses which index serves a query. PostgreSQL's autovacuum keeps its
    own statistics, so there it does nothing."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT:d}")
        cursor.execute("ANALYZE")


@task()
def refresh_database_statistics() -> None:
    refresh_statistics()
