"""What the write benchmarks add to pages.py's server and client: a task worker process next to
the server, form posts with the session's CSRF token, and a look at the task queue."""

from __future__ import annotations

import contextlib
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from benchkit import ROOT, stop_group
from pages import HOST, cookie_header, fetch


@contextlib.contextmanager
def running_worker(
    env: dict[str, str], data_dir: Path, *arguments: str, name: str = "worker"
) -> Iterator[int]:
    """`afterclass worker` as `afterclass serve` starts it (verbosity 1; more `arguments`, e.g.
    --interval), in its own process group, its log in the data folder; SIGTERM on the way out
    (it finishes its chunk)."""
    log_path = data_dir / f"{name}.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter running our own command
            [sys.executable, "-m", "afterclass.cli", "worker", "--verbosity=1", *arguments],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        time.sleep(0.5)
        if worker.poll() is not None:
            raise SystemExit(f"The worker stopped:\n{log_path.read_text()[-3000:]}")
        yield worker.pid
    finally:
        stop_group(worker, timeout=40)


class _MailSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept every message (and count it)."""

    def handle(self) -> None:
        self.wfile.write(b"220 bench mail sink\r\n")
        while line := self.rfile.readline():
            command = line[:4].upper()
            if command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                while (line := self.rfile.readline()) and line != b".\r\n":
                    pass
                self.server.messages += 1  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@contextlib.contextmanager
def mail_sink(env: dict[str, str]) -> Iterator[socketserver.ThreadingTCPServer]:
    """An SMTP server on localhost that accepts and drops the e-mails the worker sends, set in
    `env` as the relay (production mode would send to port 25, where nothing listens here)."""
    server = socketserver.ThreadingTCPServer((HOST, 0), _MailSink)
    server.daemon_threads = True
    server.messages = 0  # type: ignore[attr-defined]
    env.update(EMAIL_HOST=HOST, EMAIL_PORT=str(server.server_address[1]), EMAIL_USE_TLS="0")
    thread = threading.Thread(target=server.serve_forever, name="mail-sink", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def form_body(cookies: dict[str, str], fields: dict[str, str]) -> bytes:
    """A form's fields with the session's CSRF token (the cookie's value is accepted as is)."""
    return urllib.parse.urlencode({"csrfmiddlewaretoken": cookies["csrftoken"], **fields}).encode()


def form_headers(cookies: dict[str, str], port: int) -> dict[str, str]:
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie_header(cookies),
        "Referer": f"http://{HOST}:{port}/",
    }


def post_form(
    port: int, path: str, cookies: dict[str, str], fields: dict[str, str]
) -> tuple[int, float, str]:
    """POST a form as a browser does; return the status, the seconds it took and where a
    redirect points."""
    body = form_body(cookies, fields)
    started = time.perf_counter()
    status, headers, _ = fetch(port, path, form_headers(cookies, port), method="POST", body=body)
    return status, time.perf_counter() - started, headers.get("Location", "")


def queue_busy() -> int:
    """How many tasks are due or running (Django must be set up)."""
    from django.db.models import Q
    from django.utils import timezone

    from afterclass.worker.models import QueuedTask, TaskState

    due = Q(state=TaskState.READY, run_after__lte=timezone.now())
    return QueuedTask.objects.filter(due | Q(state=TaskState.RUNNING)).count()


def wait_for_idle_queue(timeout: float = 300.0, poll: float = 0.1) -> float:
    """Wait until the worker has run every due task; return how long it took."""
    started = time.monotonic()
    while queue_busy():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"The task queue was still busy after {timeout:.0f} s.")
        time.sleep(poll)
    return time.monotonic() - started
