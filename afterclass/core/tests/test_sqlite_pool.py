"""The SQLite backend's pool of connections (afterclass.core.sqlite_pool): a connection closed
outside a transaction is taken again by the next one to the same file, clean; anything else is
closed as Django's own backend does."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection

from afterclass.core.sqlite_pool.base import MAX_IDLE, POOL, DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the pool is for the SQLite backend"
)


@pytest.fixture(autouse=True)
def empty_pool(django_db_blocker) -> Iterator[None]:
    """Each test opens its own database files, not the test database."""
    POOL.clear()
    with django_db_blocker.unblock():
        yield
    POOL.clear()


def wrapper(path: Path) -> DatabaseWrapper:
    """A connection handle to its own database file, configured as settings.py does."""
    settings_dict = {
        **connection.settings_dict,
        "ENGINE": "afterclass.core.sqlite_pool",
        "NAME": str(path),
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
    }
    return DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


def raw(db: DatabaseWrapper) -> sqlite3.Connection:
    db.ensure_connection()
    assert db.connection is not None
    return db.connection


def test_a_closed_connection_is_taken_again_by_the_next_one(tmp_path):
    first = wrapper(tmp_path / "a.sqlite3")
    kept = raw(first)
    first.close()

    assert first.connection is None
    assert POOL.idle_count() == 1
    second = wrapper(tmp_path / "a.sqlite3")
    assert raw(second) is kept
    assert POOL.idle_count() == 0
    with second.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    second.close()


def test_connections_are_not_shared_between_files(tmp_path):
    first = wrapper(tmp_path / "a.sqlite3")
    kept = raw(first)
    first.close()

    other = wrapper(tmp_path / "b.sqlite3")
    assert raw(other) is not kept
    other.close()
    assert POOL.idle_count() == 2


def test_a_file_replaced_on_disk_gets_a_new_connection(tmp_path):
    path = tmp_path / "a.sqlite3"
    first = wrapper(path)
    kept = raw(first)
    first.close()
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    again = wrapper(path)
    fresh = raw(again)
    assert fresh is not kept
    with again.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x)")  # the new, empty file
    again.close()


def test_an_open_transaction_is_rolled_back_before_the_connection_is_kept(tmp_path):
    first = wrapper(tmp_path / "a.sqlite3")
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x)")
    raw(first).execute("BEGIN")
    raw(first).execute("INSERT INTO t VALUES (1)")
    kept = raw(first)
    first.close()

    second = wrapper(tmp_path / "a.sqlite3")
    assert raw(second) is kept
    assert not kept.in_transaction
    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)
    second.close()


def test_a_connection_closed_inside_atomic_is_really_closed(tmp_path):
    first = wrapper(tmp_path / "a.sqlite3")
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x)")
    kept = raw(first)
    first.in_atomic_block = True  # what transaction.atomic sets on its connection
    first.close()

    assert POOL.idle_count() == 0
    with pytest.raises(sqlite3.ProgrammingError):
        kept.execute("SELECT 1")


def test_constraint_checks_are_on_again_for_the_next_user(tmp_path):
    first = wrapper(tmp_path / "a.sqlite3")
    assert first.disable_constraint_checking()
    first.close()

    second = wrapper(tmp_path / "a.sqlite3")
    with second.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone() == (1,)
    second.close()


def test_the_pool_keeps_at_most_max_idle_connections_per_file(tmp_path):
    handles = [wrapper(tmp_path / "a.sqlite3") for _ in range(MAX_IDLE + 3)]
    opened = [raw(handle) for handle in handles]
    assert len({id(one) for one in opened}) == MAX_IDLE + 3
    for handle in handles:
        handle.close()

    assert POOL.idle_count() == MAX_IDLE
    with pytest.raises(sqlite3.ProgrammingError):
        opened[-1].execute("SELECT 1")  # the ones beyond the pool are closed


def test_the_request_cycle_hands_the_connection_back(tmp_path):
    """What Django does at the end of every request with CONN_MAX_AGE = 0 (close_old_connections,
    connected to request_finished): close. With the pool the next request's first query takes
    the same connection."""
    handle = wrapper(tmp_path / "a.sqlite3")
    kept = raw(handle)
    handle.close_if_unusable_or_obsolete()

    assert handle.connection is None
    assert raw(handle) is kept
    handle.close()
