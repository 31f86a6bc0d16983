"""PostgreSQL through Django's connection pool (settings: OPTIONS["pool"]): closing a
connection at the end of a request hands it back, and the next request gets it again instead
of connecting anew."""

from __future__ import annotations

import pytest
from django.db import close_old_connections, connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_requests_take_their_server_connections_from_the_pool():
    assert connection.pool is not None
    backend_pid()  # the pool is open
    opened_before = connection.pool.get_stats().get("connections_num", 0)
    pids = set()
    for _ in range(20):
        pids.add(backend_pid())
        connection.close()  # what the end of a request does with CONN_MAX_AGE = 0
        close_old_connections()
        assert connection.connection is None

    # Without the pool each of the 20 would be a new server process. With it they are the
    # pool's: however many it holds (earlier tests, in threads, may have grown it), it opens
    # none for them (at most one, should it be topping itself up meanwhile).
    opened = connection.pool.get_stats().get("connections_num", 0) - opened_before
    assert opened <= 1
    assert len(pids) <= connection.pool.max_size


def test_afterclass_settings_hold_on_a_connection_from_the_pool():
    """core.database's settings are made on each connection handed out, pooled or not."""
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "0"
