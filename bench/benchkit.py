"""What the benchmarks share: a fresh database of their own, and the median of timed runs."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-server",
        default="postgres://postgres@127.0.0.1:5432",
        help="Where PostgreSQL listens (the bench makes its own database there).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database.")


def configure(args: argparse.Namespace, name: str) -> Callable[[], None]:
    """Point Django at a fresh database before it starts (a temporary SQLite file, or the
    PostgreSQL database `name`, made anew); return how to clean up."""
    folder = tempfile.mkdtemp(prefix=f"{name.replace('_', '-')}-")
    os.environ["AFTERCLASS_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "afterclass.settings")
    os.environ.pop("DATABASE_URL", None)
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if args.backend == "postgresql":
        import psycopg

        server = args.postgres_server.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            for handle in connections.all():
                # The pooled connections too (Django's PostgreSQL pool).
                getattr(handle, "close_pool", lambda: None)()
            if not args.keep:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {name}")

        os.environ["DATABASE_URL"] = f"{server}/{name}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return drop


def median_ms(function: Callable[[], object], repeat: int) -> float:
    """The median time of `repeat` runs, in milliseconds, after one run that warms caches."""
    function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def stop_group(process: subprocess.Popen[str], *, timeout: float) -> None:
    """Stop a process started in its own group, and its children: SIGTERM, then SIGKILL after
    `timeout` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def member_client(data_dir: Path) -> tuple[Any, dict[str, Any]]:
    """Django set up on a generated data folder, in this process, and a test client signed in
    as its plain member (no HTTP server: the work of a page alone); with the cast
    (`afterclass.benchdata.cast.describe_cast`: the member, the space, the largest thread…)."""
    os.environ["AFTERCLASS_DATA_DIR"] = str(data_dir)
    os.environ["AFTERCLASS_HTTPS"] = "0"  # the test client speaks plain HTTP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "afterclass.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from afterclass.benchdata.cast import describe_cast
    from afterclass.people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    # The collected static files' manifest may be older than the templates: plain URLs will do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cast = describe_cast()
    client = Client()
    client.force_login(Person.objects.get(email=cast["member"]))
    return client, cast
