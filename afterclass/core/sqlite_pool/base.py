"""SQLite with the connections of a process kept for the next request.

Under ASGI every request runs in a thread of its own, so Django must close its database
connection at the end of each request (`CONN_MAX_AGE` stays 0; Django's documentation says to
use a pool instead, and offers one for PostgreSQL only). A new SQLite connection is not free:
SQLite reads and parses the whole schema (300 tables, indexes and the full-text index) on its
first statement and starts with an empty page cache, and Django registers its SQL functions —
about 10 ms, a third of what a feed page costs. The bare view of `bench/pages.py`, which runs no
query, never pays it.

This backend is Django's SQLite backend with a small pool per process: closing a connection
that is not inside a transaction puts it aside (rolled back, its settings restored), and the
next connection to the same database file takes it again. A connection is never handed out to
a file other than the one it was opened on: the pool is keyed by the path and the file's
identity (device and inode), so a database replaced on disk (a restore, a test database made
again under the same name) gets new connections."""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

from django.db.backends.sqlite3 import base

# Idle connections kept per database file and process: enough for the requests one uvicorn
# worker serves at once; beyond it connections are closed as before.
MAX_IDLE = 16

# The database file's path, device and inode, and the connection's parameters.
_FileId = tuple[str, int, int, str]


def _file_id(conn_params: dict[str, Any]) -> _FileId | None:
    """Which file (and with which parameters) a connection is to, or None for an in-memory
    database or a file that is not there."""
    path = str(conn_params.get("database", ""))
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (os.path.abspath(path), stat.st_dev, stat.st_ino, repr(sorted(conn_params.items())))


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[_FileId, list[sqlite3.Connection]] = {}

    def take(self, key: _FileId) -> sqlite3.Connection | None:
        with self._lock:
            idle = self._idle.get(key)
            return idle.pop() if idle else None

    def give(self, key: _FileId, connection: sqlite3.Connection) -> bool:
        """Keep `connection` for later; False when the pool for its file is full."""
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) >= MAX_IDLE:
                return False
            idle.append(connection)
            return True

    def idle_count(self, key: _FileId | None = None) -> int:
        with self._lock:
            if key is not None:
                return len(self._idle.get(key, []))
            return sum(len(idle) for idle in self._idle.values())

    def clear(self) -> None:
        """Close every idle connection (tests, and a process about to replace the file)."""
        with self._lock:
            idle = [connection for kept in self._idle.values() for connection in kept]
            self._idle.clear()
        for connection in idle:
            connection.close()


POOL = _Pool()


class DatabaseWrapper(base.DatabaseWrapper):
    _pool_key: _FileId | None = None
    _pool_params: dict[str, Any] | None = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        key = _file_id(conn_params)
        if key is not None:
            kept = POOL.take(key)
            if kept is not None:
                self._pool_key, self._pool_params = key, conn_params
                return kept
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        # The file exists now (SQLite creates it on connect).
        self._pool_key, self._pool_params = _file_id(conn_params), conn_params
        return connection

    def close(self) -> None:
        """Hand a clean connection back to the pool; anything else is closed as Django's
        backend closes it (inside a transaction Django marks it for a rollback instead)."""
        connection, key, params = self.connection, self._pool_key, self._pool_params
        self._pool_key = self._pool_params = None
        if (
            connection is not None
            and key is not None
            and params is not None
            and not self.in_atomic_block
            and not self.closed_in_transaction
        ):
            self.validate_thread_sharing()
            if self._reusable(connection, key, params):
                self.run_on_commit = []
                self.connection = None
                return
        super().close()

    @staticmethod
    def _reusable(connection: sqlite3.Connection, key: _FileId, params: dict[str, Any]) -> bool:
        """Put `connection` back in the pool if it is clean; False to close it instead."""
        if _file_id(params) != key:
            return False
        try:
            if connection.in_transaction:
                connection.rollback()
            # Constraint checks may have been switched off (loading data, migrations).
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error:
            return False
        return POOL.give(key, connection)
