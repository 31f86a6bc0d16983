"""Rows written in bulk: generated objects are buffered per model, given their ids up front (the
database is empty, so ids follow from the count) and inserted with `bulk_create` in batches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

FLUSH_AT = 5_000

Progress = Callable[[str, int, int], None]


class Writer:
    """Buffers rows and writes them; `counts` says how many of each model were written."""

    def __init__(self) -> None:
        self.buffers: dict[type[Model], list[Model]] = {}
        self.next_ids: Counter[type[Model]] = Counter()
        self.counts: Counter[str] = Counter()

    def new_id(self, model: type[Model]) -> int:
        self.next_ids[model] += 1
        return self.next_ids[model]

    def add(self, row: Model) -> None:
        model = type(row)
        if row.pk is None:
            row.pk = self.new_id(model)
        buffer = self.buffers.setdefault(model, [])
        buffer.append(row)
        if len(buffer) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        # In the order the models were first seen: parents before the rows that point at them.
        for model, rows in self.buffers.items():
            if rows:
                model._default_manager.bulk_create(rows)
                self.counts[model._meta.label] += len(rows)
                rows.clear()

    def reset_sequences(self) -> None:
        """On PostgreSQL, move each table's id sequence past the ids given here."""
        if connection.vendor != "postgresql":
            return
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.buffers))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextmanager
def fast_writes() -> Iterator[None]:
    """On SQLite, stop waiting for the disk after each commit while generating (a crash can only
    lose the data set being made), with a bigger page cache; as before afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")


@contextmanager
def batch(writer: Writer) -> Iterator[None]:
    """One transaction whose buffered rows are all written before it commits."""
    with transaction.atomic():
        yield
        writer.flush()
