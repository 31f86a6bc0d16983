"""The database's part of a backup: a consistent copy of SQLite (the online backup API) or
PostgreSQL (pg_dump), its migration state, and putting it back into an empty database."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from afterclass.core.backup.manifest import BackupError


def engine() -> str:
    """ "sqlite" or "postgresql": the only two Afterclass runs on."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backup knows SQLite and PostgreSQL, not {vendor}.")
    return vendor


def sqlite_path() -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def _last_applied(rows: list[tuple[str, str]]) -> dict[str, str]:
    """The last migration applied per app, from django_migrations rows in applied order."""
    last: dict[str, str] = {}
    for app, name in rows:
        last[app] = name
    return dict(sorted(last.items()))


def backup_sqlite(target: Path) -> dict[str, str]:
    """Copy the live database with SQLite's online backup API: one step, under one read
    transaction, so the copy is the database as of one moment; in WAL mode writers go on
    meanwhile. Returns the copy's migration state."""
    source_path = sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"There is no database at {source_path}: nothing to back up.")
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        # Retried soon when a writer is resetting the WAL (the default waits 250 ms).
        source.backup(copy, sleep=0.01)
        # A single self-contained file: the live database's WAL mode is the restore's business.
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise BackupError(f"The database copy fails SQLite's check: {problems[0]}")
        rows = copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    except sqlite3.Error as error:
        raise BackupError(f"Could not copy the SQLite database {source_path}: {error}") from error
    finally:
        copy.close()
        source.close()
    return _last_applied(rows)


def postgres_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump and pg_restore, from DATABASES."""
    settings_dict = connection.settings_dict
    arguments = ["--no-password", f"--dbname={settings_dict['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    # Django's dbshell knows which OPTIONS become libpq's variables (password, SSL, service).
    _, variables = connection.client.settings_to_cmd_args_env(settings_dict, [])
    return arguments, {**os.environ, **(variables or {})}


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client programs, of the server's "
            "version or newer (Debian and Ubuntu: apt install postgresql-client)."
        )
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, arguments from settings
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.returncode}")


def backup_postgres(target: Path) -> dict[str, str]:
    """pg_dump in custom format, reading the snapshot of a transaction opened here, so that the
    migration state read in that transaction is exactly the dump's. Returns it."""
    import psycopg

    pg_dump = _program("pg_dump")
    arguments, env = postgres_arguments()
    params = connection.get_connection_params()
    try:
        with psycopg.connect(**params) as held:
            held.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            held.read_only = True
            with held.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = str(cursor.fetchone()[0])  # type: ignore[index]
                cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
                rows = [(str(app), str(name)) for app, name in cursor.fetchall()]
            command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
            _run([*command, *arguments], env, "pg_dump")
            held.rollback()
    except psycopg.Error as error:
        raise BackupError(f"Could not read the PostgreSQL database: {error}") from error
    return _last_applied(rows)


def database_tables() -> list[str]:
    """The tables of the configured database (none in an empty one). SQLite: a missing file is
    empty, and is not created by looking."""
    if connection.vendor == "sqlite":
        path = sqlite_path()
        if not path.exists():
            return []
        with contextlib.closing(sqlite3.connect(path, timeout=20)) as database:
            rows = database.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        return [str(row[0]) for row in rows]
    return list(connection.introspection.table_names())


def how_to_empty_database() -> str:
    if connection.vendor == "sqlite":
        path = sqlite_path()
        return f"stop Afterclass and delete {path} (with {path.name}-wal and {path.name}-shm)"
    settings_dict = connection.settings_dict
    name, user = settings_dict["NAME"], settings_dict.get("USER") or "postgres"
    return f"stop Afterclass, then `dropdb {name}` and `createdb -O {user} {name}`"


def restore_sqlite(source: Path) -> None:
    target = sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()
    copy = sqlite3.connect(source)
    live = sqlite3.connect(target, timeout=20)
    try:
        copy.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"Could not restore the SQLite database {target}: {error}") from error
    finally:
        live.close()
        copy.close()


def restore_postgres(source: Path) -> None:
    pg_restore = _program("pg_restore")
    arguments, env = postgres_arguments()
    connection.close()
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        *arguments,
        str(source),
    ]
    _run(command, env, "pg_restore")


def newer_migrations(migrations: dict[str, str]) -> list[str]:
    """Migrations in the backup that this version of the code does not have."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        f"{app}.{name}"
        for app, name in migrations.items()
        if app in loader.migrated_apps and (app, name) not in loader.graph.nodes
    ]


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
