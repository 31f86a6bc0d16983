"""Real processes for the fault suite (test_faults.py): a site of its own per test (a data
folder, and on PostgreSQL a database of its own), the `afterclass` commands run against it as
subprocesses, and its database read directly by the test while they run."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from afterclass.core.tests.test_settings import clean_env, production_env

SQLITE_NAME = "afterclass.sqlite3"
DATABASE_PREFIX = "afterclass_faults_"
# Short leases: a dead worker's task (and its e-mail claims) come back within seconds.
LEASE_SECONDS = "3"


def postgres_url() -> str | None:
    """The PostgreSQL server the suite runs against (from DATABASE_URL), or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(statement: str) -> None:
    """Run CREATE/DROP DATABASE on the PostgreSQL server (outside a transaction)."""
    import psycopg

    url = postgres_url()
    assert url is not None
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def without_fsync_per_commit(database: str) -> None:
    """Commits that do not wait for the disk: the outbox records each e-mail sent in a commit of
    its own, and 5,000 flushes to disk take longer than the sending. Only a crash of the
    PostgreSQL server itself could lose them, and that is not what these tests do."""
    admin_sql(f'ALTER DATABASE "{database}" SET synchronous_commit = off')


def wait_for(
    condition: Callable[[], Any], *, timeout: float, every: float = 0.1, what: str = ""
) -> Any:
    """Poll until `condition()` is truthy and return it; fail after `timeout` seconds (a
    generous bound for waiting, never an assertion on how fast anything is)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {timeout:.0f} s for {what or condition}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_status(port: int, path: str) -> int:
    """The status of GET `path` on the local server, 0 while nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "example.org"})
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


# --- processes, found through /proc ---------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def alive(pid: int) -> bool:
    """Running (a zombie nobody has reaped yet counts as gone)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[1] == str(pid) and fields[0] != "Z":
                found.append(int(entry.name))
    return sorted(found)


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def environment_has(pid: int, entry: str) -> bool:
    try:
        return entry.encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def is_worker(pid: int) -> bool:
    arguments = command_line(pid)
    return "afterclass.cli" in arguments and "worker" in arguments


# --- a site: its data folder, its database, its processes -----------------------------------


@dataclass
class Site:
    """One test's installation: `folder` is its AFTERCLASS_DATA_DIR (and the processes' working
    directory), `database` its PostgreSQL database (None on SQLite)."""

    folder: Path
    name: str
    database: str | None = None
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def marker(self) -> str:
        """An environment entry every process of this site carries, to find them all."""
        return f"AFTERCLASS_FAULTS_SITE={self.name}"

    def env(self, *, production: bool = False, **variables: str) -> dict[str, str]:
        variables = {
            "AFTERCLASS_TASK_LEASE_SECONDS": LEASE_SECONDS,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "AFTERCLASS_FAULTS_SITE": self.name,
            **variables,
        }
        url = postgres_url()
        if url and self.database:
            variables["DATABASE_URL"] = with_database(url, self.database)
        if production:
            return production_env(self.folder, AFTERCLASS_SSL_REDIRECT="0", **variables)
        return clean_env(AFTERCLASS_DATA_DIR=str(self.folder), **variables)

    # --- running commands

    def command(self, *arguments: str, timeout: float = 120) -> str:
        """Run `afterclass <arguments>` to the end; returns its output, fails on an error."""
        result = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "afterclass.cli", *arguments],
            env=self.env(),
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def script(self, code: str) -> dict[str, Any]:
        """Run Python in `afterclass shell` (settings and apps loaded); returns the JSON object
        it printed last."""
        output = self.command("shell", "-c", code)
        last = [line for line in output.splitlines() if line.startswith("{")][-1]
        return dict(json.loads(last))

    def start(self, name: str, arguments: list[str], **env: Any) -> subprocess.Popen[str]:
        """Start a long-running process; its output goes to <folder>/<name>.log (a file, not
        a pipe: a pipe nobody reads would block the process once full)."""
        log = (self.folder / f"{name}.log").open("a")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, *arguments],
            env=self.env(**env),
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def start_worker(self, name: str = "worker", *extra: str) -> subprocess.Popen[str]:
        return self.start(
            name, ["-m", "afterclass.cli", "worker", "--no-periodic", "--interval=0.2", *extra]
        )

    def start_server(self, name: str, port: int, *, workers: int = 1) -> subprocess.Popen[str]:
        return self.start(
            name,
            ["-m", "afterclass.cli", "serve", "--port", str(port), "--no-collectstatic",
             "--workers", str(workers)],
            production=True,
        )  # fmt: skip

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def processes_of_site(self) -> list[int]:
        """Every running process started for this site (also those our children started)."""
        return sorted(
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit()
            and alive(int(entry.name))
            and environment_has(int(entry.name), self.marker)
        )

    def stop_everything(self) -> None:
        """Kill what is left of this site's processes (after a failed test)."""
        for pid in self.processes_of_site():
            if pid != os.getpid():
                os.kill(pid, signal.SIGKILL)
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)

    # --- reading its database directly

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Query the site's database (placeholders written %s), in a connection of its own."""
        url = postgres_url()
        if url and self.database:
            import psycopg

            with psycopg.connect(with_database(url, self.database), autocommit=True) as db:
                return db.execute(sql, params).fetchall()  # type: ignore[arg-type]
        db = sqlite3.connect(self.folder / SQLITE_NAME, timeout=30)
        try:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            db.close()

    def value(self, sql: str, *params: Any) -> Any:
        return self.rows(sql, *params)[0][0]

    def terminate_connections(self) -> int:
        """pg_terminate_backend every other connection to the site's database."""
        return len(
            self.rows(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                self.database,
            )
        )


# --- templates: migrated (and seeded) once, copied for each test ---------------------------


@dataclass(frozen=True)
class Template:
    """A site state made once per run by real commands, copied into each test's site: the data
    folder's SQLite file, or a PostgreSQL database used as CREATE DATABASE's template."""

    folder: Path
    database: str | None

    def copy_to(self, folder: Path, name: str) -> Site:
        folder.mkdir(parents=True, exist_ok=True)
        if self.database is None:
            for suffix in ("", "-wal"):
                source = self.folder / f"{SQLITE_NAME}{suffix}"
                if source.exists():
                    shutil.copyfile(source, folder / source.name)
            return Site(folder, name)
        database = f"{DATABASE_PREFIX}{name}"
        admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin_sql(f'CREATE DATABASE "{database}" TEMPLATE "{self.database}"')
        without_fsync_per_commit(database)
        return Site(folder, name, database)


def make_template(folder: Path, name: str, *, base: Template | None = None) -> Template:
    """A site migrated by `afterclass migrate` (or a copy of `base`), left for others to copy."""
    if base is not None:
        site = base.copy_to(folder, name)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        database = None
        if postgres_url():
            database = f"{DATABASE_PREFIX}{name}"
            admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin_sql(f'CREATE DATABASE "{database}"')
            without_fsync_per_commit(database)
        site = Site(folder, name, database)
        site.command("migrate", "--verbosity=0", timeout=300)
    return Template(folder, site.database)


def drop(template_or_site: Template | Site) -> None:
    if template_or_site.database is not None:
        admin_sql(f'DROP DATABASE IF EXISTS "{template_or_site.database}" WITH (FORCE)')


@contextmanager
def site_from(template: Template, folder: Path, name: str) -> Iterator[Site]:
    """A test's own site, its processes killed and its database dropped afterwards."""
    site = template.copy_to(folder, name)
    try:
        yield site
    finally:
        site.stop_everything()
        drop(site)
