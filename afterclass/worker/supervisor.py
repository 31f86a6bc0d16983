"""Running `afterclass worker` next to the web server (`make demo`, `afterclass serve`):
restart it when it dies, stop it when the server stops, give it a grace period on SIGTERM.

The worker is told the server's process id (`--parent`) and stops by itself when the server is
gone, so a `kill -9` of the server never leaves a worker behind, and a restarted server never
runs two.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping

logger = logging.getLogger("afterclass.worker")

GRACE_SECONDS = 30.0  # how long a stopping worker may take to finish its current chunk
RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)


def worker_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "afterclass.cli",
        "worker",
        f"--parent={os.getpid()}",
        "--verbosity=1",
    ]


class Supervisor:
    def __init__(
        self,
        command: list[str] | None = None,
        grace: float = GRACE_SECONDS,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.command = command or worker_command()
        # The worker's environment (None: this process's), e.g. the SITE_URL its e-mails link to.
        self.env = dict(env) if env is not None else None
        self.grace = grace
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watcher.start()

    def _spawn(self) -> None:
        with self._lock:
            if not self._stopping.is_set():
                # Its own session: a Ctrl-C in the terminal reaches the server, which then stops
                # the worker itself, instead of the worker stopping early and being restarted.
                self.process = subprocess.Popen(  # noqa: S603 - our own command, no user input
                    self.command, start_new_session=True, env=self.env
                )

    def _watch(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            logger.warning(
                "the background worker stopped (exit %s); restarting in %.0f s", code, delay
            )
            failures += 1
            if self._stopping.wait(delay):
                return
            self.restarts += 1
            self._spawn()

    def stop(self) -> None:
        """SIGTERM, then up to `grace` seconds to finish the current chunk, then SIGKILL."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            logger.warning("the background worker did not stop within %.0f s: killed", self.grace)
            process.kill()
            process.wait()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def supervised_worker(
    command: list[str] | None = None, env: Mapping[str, str] | None = None
) -> Iterator[Supervisor]:
    """Run a supervised worker for the duration of the block (the web server's life)."""
    supervisor = Supervisor(command, env=env)
    # uvicorn stops on SIGTERM, then raises the signal again once its own handler is gone: with
    # the default handler the process would die there and skip stopping the worker gracefully.
    # Turned into SystemExit, it unwinds through here and the worker stops with the server.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    supervisor.start()
    try:
        yield supervisor
    finally:
        signal.signal(signal.SIGTERM, previous)
        supervisor.stop()
