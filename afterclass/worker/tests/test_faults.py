"""The fault suite: real `afterclass worker` and `afterclass serve` processes on a real database
(the embedded SQLite in a data folder of the test's own, or a PostgreSQL database of its own
when DATABASE_URL names one), killed, stopped and cut off in the middle of their work.

Every test checks that the fault really struck mid-way (some of the work done, not all), then
that after recovery every piece of work was done exactly once. The data is made by the
project's own commands, factories and actions in subprocesses (fault_data.py): `afterclass
migrate` and the seeding of a space of 5,000 members run once per session into templates, and
each test starts from a copy of one. Leases are 3 s (AFTERCLASS_TASK_LEASE_SECONDS), so a dead
worker's task comes back quickly; the timeouts below are generous bounds for waiting, never
assertions on speed.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from afterclass.worker.tests.fault_data import AUTHOR_EMAIL
from afterclass.worker.tests.processes import (
    Site,
    Template,
    alive,
    children,
    drop,
    free_port,
    http_status,
    is_worker,
    make_template,
    postgres_url,
    site_from,
    wait_for,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

MEMBERS = 5000
FAN_OUT = "afterclass.notifications.tasks.fan_out"
SEND_PENDING = "afterclass.notifications.tasks.send_pending_emails"
LOCKED = "database is locked"


# --- sites -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """A data folder (and database) made by `afterclass migrate`."""
    template = make_template(tmp_path_factory.mktemp("migrated"), f"{os.getpid()}_migrated")
    yield template
    drop(template)


@pytest.fixture(scope="session")
def seeded(migrated: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """The migrated site plus a launched space of MEMBERS members (and its author)."""
    folder = tmp_path_factory.mktemp("seeded")
    template = make_template(folder, f"{os.getpid()}_seeded", base=migrated)
    Site(folder, f"{os.getpid()}_seeded", template.database).script(
        f"from afterclass.worker.tests.fault_data import seed; seed({MEMBERS})"
    )
    yield template
    drop(template)


def site_name(request: pytest.FixtureRequest) -> str:
    return f"{os.getpid()}_{hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:10]}"


@pytest.fixture
def site(seeded: Template, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    with site_from(seeded, tmp_path / "site", site_name(request)) as made:
        yield made


@pytest.fixture
def empty_site(
    migrated: Template, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Site]:
    with site_from(migrated, tmp_path / "site", site_name(request)) as made:
        yield made


# --- what the tests do and read --------------------------------------------------------------


def announce(site: Site, channel: str) -> dict[str, Any]:
    """Every member chooses `channel` for announcements; the author announces to them all."""
    return site.script(
        f"from afterclass.worker.tests.fault_data import announce; announce({channel!r})"
    )


def task(site: Site, task_id: str) -> tuple[str, int]:
    """(state, attempts) of a queued task."""
    state, attempts = site.rows(
        "SELECT state, attempts FROM worker_queuedtask WHERE id = %s", task_id
    )[0]
    return state, attempts


def task_by_path(site: Site, path: str) -> tuple[str, int] | None:
    found = site.rows("SELECT state, attempts FROM worker_queuedtask WHERE task_path = %s", path)
    assert len(found) <= 1, found
    return (found[0][0], found[0][1]) if found else None


def notifications(site: Site, post: int) -> int:
    return int(
        site.value(
            "SELECT count(*) FROM notifications_notification WHERE post_id = %s AND kind = %s",
            post,
            "announcement",
        )
    )


def per_recipient(site: Site, post: int) -> dict[int, int]:
    return dict(
        site.rows(
            "SELECT recipient_id, count(*) FROM notifications_notification "
            "WHERE post_id = %s AND kind = %s GROUP BY recipient_id",
            post,
            "announcement",
        )
    )


def members(site: Site, column: str = "id") -> set[Any]:
    """Every active member of the space but the author (who is never told of their own post)."""
    assert column in {"id", "email"}
    return {
        value
        for (value,) in site.rows(
            f"SELECT p.{column} FROM spaces_membership m "  # noqa: S608 - a checked column
            "JOIN people_person p ON p.id = m.person_id "
            "WHERE m.state = %s AND p.email <> %s",
            "active",
            AUTHOR_EMAIL,
        )
    }


def emails(site: Site, state: str | None = None) -> int:
    if state is None:
        return int(site.value("SELECT count(*) FROM outbox_outgoingemail"))
    return int(site.value("SELECT count(*) FROM outbox_outgoingemail WHERE state = %s", state))


def mail_files(site: Site) -> list[Path]:
    folder = site.folder / "mail"
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def recipients_of_files(files: list[Path]) -> Counter[str]:
    """How many message files each address received."""
    parser = email.parser.BytesHeaderParser()
    received: Counter[str] = Counter()
    for path in files:
        with path.open("rb") as handle:
            received[str(parser.parse(handle)["To"])] += 1
    return received


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def stop(process: subprocess.Popen[str], *, grace: float = 30) -> int:
    """SIGTERM, then wait out its grace; the exit code."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=grace)


def assert_told_once_each(site: Site, post: dict[str, Any]) -> None:
    counts = per_recipient(site, post["post"])
    assert set(counts) == members(site)
    assert len(counts) == post["recipients"] > MEMBERS
    assert set(counts.values()) == {1}
    assert notifications(site, post["post"]) == post["recipients"]


def assert_mailed_once_each(site: Site, post: dict[str, Any]) -> None:
    files = mail_files(site)
    received = recipients_of_files(files)
    assert set(received) == members(site, "email")
    assert set(received.values()) == {1}
    assert len(files) == emails(site) == emails(site, "sent") == post["recipients"]


# --- the worker dies, is stopped, loses its database -----------------------------------------


def test_fan_out_killed_midway_is_finished_by_the_next_worker_once_per_member(site):
    post = announce(site, "in_app")
    first = site.start_worker("first")
    wait_for(lambda: notifications(site, post["post"]), timeout=60, every=0.02, what="a chunk")

    kill(first)

    told = notifications(site, post["post"])
    assert 0 < told < post["recipients"], "the kill must strike in the middle of the fan-out"
    assert task(site, post["task"]) == ("RUNNING", 1)  # the dead worker's claim, unfinished

    second = site.start_worker("second")
    wait_for(lambda: task(site, post["task"])[0] == "SUCCESSFUL", timeout=60, what="the fan-out")

    assert task(site, post["task"]) == ("SUCCESSFUL", 2)  # taken up again once its lease ran out
    assert_told_once_each(site, post)
    assert stop(second) == 0
    assert "Traceback" not in site.log("second")


def test_email_killed_midway_is_finished_by_the_next_worker_one_file_per_recipient(site):
    post = announce(site, "email_now")
    first = site.start_worker("first")
    # Messages written, and the worker in the middle of a claim (of 50): it holds rows unsent.
    wait_for(
        lambda: len(mail_files(site)) >= 60 and emails(site, "sending") >= 10,
        timeout=120,
        every=0.01,
        what="sending",
    )

    kill(first)

    written = len(mail_files(site))
    assert 0 < written < post["recipients"], "the kill must strike in the middle of the sending"
    assert emails(site) == post["recipients"]  # all queued, once each, before sending began
    assert emails(site, "sent") < post["recipients"]
    assert emails(site, "sending") > 0  # claimed by the dead worker: they must come back

    second = site.start_worker("second")
    wait_for(
        lambda: (
            emails(site, "sent") == post["recipients"]
            and task_by_path(site, SEND_PENDING) == ("SUCCESSFUL", 2)
        ),
        timeout=180,
        every=0.5,
        what="the outbox to be sent",
    )

    assert_mailed_once_each(site, post)
    assert_told_once_each(site, post)
    assert stop(second) == 0


def test_email_stopped_with_sigterm_loses_nothing_and_sends_nothing_twice(site):
    post = announce(site, "email_now")
    first = site.start_worker("first")
    wait_for(
        lambda: len(mail_files(site)) >= 60 and emails(site, "sending") >= 10,
        timeout=120,
        every=0.01,
        what="sending",
    )

    assert stop(first, grace=30) == 0  # within the supervisor's grace, and a clean exit

    sent_before = dict(
        (pk, (sent_at, claimed_by))
        for pk, sent_at, claimed_by in site.rows(
            "SELECT id, sent_at, claimed_by FROM outbox_outgoingemail WHERE state = %s", "sent"
        )
    )
    assert 0 < len(sent_before) < post["recipients"], "the stop must come mid-way"
    # Every message written was recorded as sent, every claim not sent was given back
    # uncounted, and so was the task.
    assert len(mail_files(site)) == len(sent_before)
    assert emails(site, "sending") == 0
    assert site.rows(
        "SELECT DISTINCT attempts FROM outbox_outgoingemail WHERE state = %s", "queued"
    ) == [(0,)]
    assert task_by_path(site, SEND_PENDING) == ("READY", 0)
    assert "Traceback" not in site.log("first")

    second = site.start_worker("second")
    wait_for(
        lambda: task_by_path(site, SEND_PENDING) == ("SUCCESSFUL", 1),
        timeout=180,
        every=0.5,
        what="the outbox to be sent",
    )

    assert_mailed_once_each(site, post)
    # Nothing sent before the stop was claimed again; nothing was claimed twice.
    assert site.rows("SELECT DISTINCT attempts FROM outbox_outgoingemail") == [(1,)]
    after = dict(
        (pk, (sent_at, claimed_by))
        for pk, sent_at, claimed_by in site.rows(
            "SELECT id, sent_at, claimed_by FROM outbox_outgoingemail"
        )
    )
    assert {pk: after[pk] for pk in sent_before} == sent_before
    assert stop(second) == 0


@pytest.mark.skipif(postgres_url() is not None, reason="SQLite's single writer only")
def test_fan_out_on_sqlite_beside_a_commenter_delivers_all_without_a_lock_error(site):
    post = announce(site, "in_app")
    stop_file = site.folder / "stop-commenting"
    commenter = site.start(
        "commenter",
        [
            "-m",
            "afterclass.cli",
            "shell",
            "-c",
            "from afterclass.worker.tests.fault_data import comment_every; "
            # Often: the fan-out of 5,000 takes well under a second now, and must meet writes.
            f"comment_every(0.05, {str(stop_file)!r})",
        ],
    )
    wait_for(lambda: len(comments_acknowledged(site)) >= 3, timeout=60, what="comments")
    worker = site.start_worker("worker")
    wait_for(lambda: task(site, post["task"])[0] == "SUCCESSFUL", timeout=90, what="the fan-out")
    before = len(comments_acknowledged(site))
    wait_for(lambda: len(comments_acknowledged(site)) >= before + 2, timeout=60, what="more")
    stop_file.touch()
    assert commenter.wait(timeout=60) == 0, site.log("commenter")
    # The comments' own background work (their notices, their indexing) is done too.
    wait_for(
        lambda: (
            not site.value(
                "SELECT count(*) FROM worker_queuedtask WHERE state IN ('READY', 'RUNNING')"
            )
        ),
        timeout=90,
        what="the queue to empty",
    )
    assert stop(worker) == 0

    assert_told_once_each(site, post)
    assert task(site, post["task"]) == ("SUCCESSFUL", 1)  # at the first try
    for name in ("worker", "commenter"):
        assert LOCKED not in site.log(name)
        assert "Traceback" not in site.log(name)
    assert (
        site.rows(
            "SELECT task_path, error_class FROM worker_queuedtask WHERE state <> %s OR error <> ''",
            "SUCCESSFUL",
        )
        == []
    )
    # Every comment the commenter saw saved is there, and it was writing while the fan-out ran.
    comments = comments_acknowledged(site)
    assert {pk for (pk,) in site.rows("SELECT id FROM posts_comment")} == set(comments)
    ((started, finished),) = site.rows(
        "SELECT started_at, finished_at FROM worker_queuedtask WHERE id = %s", post["task"]
    )
    started, finished = datetime.fromisoformat(started), datetime.fromisoformat(finished)
    assert any(ended < started for _, ended in comments.values())
    assert any(began <= finished and ended >= started for began, ended in comments.values())
    assert any(began > finished for began, _ in comments.values())


def comments_acknowledged(site: Site) -> dict[int, tuple[datetime, datetime]]:
    """The comments the commenter saw saved: when its action began and returned (UTC)."""
    lines = [line for line in site.log("commenter").splitlines() if line.startswith('{"comment')]
    return {
        saved["comment"]: (
            datetime.fromisoformat(saved["began"]),
            datetime.fromisoformat(saved["ended"]),
        )
        for saved in map(json.loads, lines)
    }


@pytest.mark.skipif(postgres_url() is None, reason="terminates PostgreSQL connections")
def test_worker_whose_postgresql_connection_is_terminated_retries_and_keeps_running(site):
    post = announce(site, "in_app")
    worker = site.start_worker("worker")
    wait_for(lambda: notifications(site, post["post"]), timeout=60, every=0.02, what="a chunk")

    assert site.terminate_connections() >= 1

    assert notifications(site, post["post"]) < post["recipients"], "cut off mid-task"
    wait_for(lambda: task(site, post["task"])[0] == "SUCCESSFUL", timeout=90, what="the retry")
    assert task(site, post["task"]) == ("SUCCESSFUL", 2)  # failed once, retried after back-off
    assert_told_once_each(site, post)
    assert worker.poll() is None
    # The same worker, reconnected, runs what comes next.
    later = site.script(
        "import json; from afterclass.worker.tests.jobs import add; "
        "print(json.dumps({'task': add.enqueue(2, 3).id}))"
    )["task"]
    wait_for(lambda: task(site, later)[0] == "SUCCESSFUL", timeout=60, what="the next task")
    (workers,) = site.rows(
        "SELECT count(DISTINCT worker_id) FROM worker_queuedtask WHERE id IN (%s, %s)",
        post["task"],
        later,
    )
    assert workers == (1,)
    assert worker.poll() is None
    assert stop(worker) == 0


# --- the server and the worker it supervises -------------------------------------------------


def start_serving(site: Site, name: str, *, workers: int = 1) -> tuple[subprocess.Popen[str], int]:
    """`afterclass serve` in production mode; returns it, once it answers, and its worker."""
    port = free_port()
    server = site.start_server(name, port, workers=workers)
    wait_for(
        lambda: server.poll() is not None or http_status(port, "/healthz") == 200,
        timeout=90,
        every=0.2,
        what="the server",
    )
    assert server.poll() is None, site.log(name)
    return server, working_worker(site, server)


def working_worker(site: Site, server: subprocess.Popen[str], *, not_pid: int = 0) -> int:
    """The server's one worker process, once it has said (in its heartbeat) that it runs."""

    def worker() -> int:
        found = [pid for pid in children(server.pid) if is_worker(pid) and pid != not_pid]
        assert len(found) <= 1, found
        return found[0] if found else 0

    pid = int(wait_for(worker, timeout=60, what="the server's worker"))
    wait_for(
        lambda: site.rows("SELECT 1 FROM worker_workerheartbeat WHERE pid = %s", pid),
        timeout=60,
        what="the worker's heartbeat",
    )
    return pid


def site_workers(site: Site) -> list[int]:
    return [pid for pid in site.processes_of_site() if is_worker(pid)]


def test_server_killed_leaves_no_worker_and_a_restart_runs_exactly_one(empty_site):
    site = empty_site
    # Two uvicorn workers: the server's children must stop with it too (core/orphans_watch.py).
    server, first = start_serving(site, "server", workers=2)

    kill(server)

    wait_for(lambda: not alive(first), timeout=30, what="the orphaned worker to exit")
    # It stopped by itself, cleanly: a worker that ends its loop removes its heartbeat.
    assert site.rows("SELECT pid FROM worker_workerheartbeat") == []
    # The uvicorn workers notice within a second and shut down gracefully.
    wait_for(lambda: site.processes_of_site() == [], timeout=30, what="the server's workers")
    assert "the process that started this worker is gone" in site.log("server")

    again, second = start_serving(site, "again")

    assert second != first
    assert site_workers(site) == [second]
    assert site.rows("SELECT pid FROM worker_workerheartbeat") == [(second,)]
    again.send_signal(signal.SIGINT)
    assert again.wait(timeout=60) == 0, site.log("again")
    assert site.processes_of_site() == []


def test_server_restarts_its_worker_when_it_dies(empty_site):
    site = empty_site
    server, first = start_serving(site, "server")

    os.kill(first, signal.SIGKILL)

    second = working_worker(site, server, not_pid=first)
    assert not alive(first)
    assert site_workers(site) == [second]
    assert "the background worker stopped (exit -9); restarting" in site.log("server")
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=60) == 0, site.log("server")
    assert site.processes_of_site() == []
