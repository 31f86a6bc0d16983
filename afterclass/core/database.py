"""Settings each new database connection starts with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper


def tune_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """PostgreSQL: no JIT compilation. A query whose estimated cost passes `jit_above_cost`
    (a search for a common word, which ranks tens of thousands of documents) spends longer
    compiling than running: measured on 200,000 posts, 569 ms of which 369 ms JIT (`EXPLAIN
    ANALYZE`; bench/search_bench.py). Afterclass runs short queries, which never gain from it.
    Set per connection rather than as a startup option, so that connection poolers that refuse
    startup options still work."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        # A runaway query is cancelled rather than holding a connection and its locks for good
        # (AFTERCLASS_DB_STATEMENT_TIMEOUT seconds, 0 for none: long migrations may need it).
        timeout_ms = int(settings.DB_STATEMENT_TIMEOUT_SECONDS) * 1000
        cursor.execute(f"SET statement_timeout = {timeout_ms:d}")
