"""Tasks the worker's tests run (module-level, as the task framework requires)."""

from pathlib import Path

from django.db import OperationalError
from django.tasks import task

from afterclass.worker.shutdown import Interrupted


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def always_fails(message: str) -> None:
    raise ValueError(message)


@task()
def fails_until_file_exists(path: str) -> str:
    """Fails like a busy database until the test creates `path`."""
    if not Path(path).exists():
        raise OperationalError("database is locked")
    return "done"


@task()
def interrupted() -> None:
    raise Interrupted


@task()
def count_runs(path: str) -> int:
    """Appends a line to `path` each time it runs: the test reads how often it did."""
    with Path(path).open("a") as handle:
        handle.write("ran\n")
    return len(Path(path).read_text().splitlines())
