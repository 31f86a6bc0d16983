"""`afterclass worker`'s loop: claim a task, run it, record the outcome; never die of a lost
database connection, renew the lease while a task runs, stop cleanly between chunks.

Two threads: the main one runs tasks; the heartbeat thread renews the current task's lease,
records that this worker is alive, and notices when the process that started it has died
(`--parent`), which stops the worker as SIGTERM does.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.db import DatabaseError, close_old_connections, connections
from django.tasks import TaskContext
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from afterclass.core.logs import running_task
from afterclass.worker import shutdown
from afterclass.worker.backend import task_result
from afterclass.worker.models import QueuedTask, WorkerHeartbeat
from afterclass.worker.queue import claim, give_back, lease, renew, retry_or_fail, succeed
from afterclass.worker.schedule import enqueue_due

logger = logging.getLogger("afterclass.worker")

SCHEDULE_EVERY = 20.0  # seconds between looks at the periodic jobs
# Seconds between looks at an empty queue: what a fan-out waits before it starts (the issue's
# target is every member told within 2 s). An idle look is one indexed query on a kept
# connection (see RECYCLE_EVERY), not a new connection each time.
IDLE_INTERVAL = 0.25
# While idle, the worker gives Django a chance to drop a connection too old or broken this
# often, rather than at every look (on PostgreSQL with CONN_MAX_AGE=0 that was a new connection
# four times a second); after a task it always does.
RECYCLE_EVERY = 5.0
RECONNECT_MAX = 30.0  # longest wait between attempts to reach a database that is down


def close_connections() -> None:
    """Drop this thread's connections so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            logger.debug("closing a broken connection failed", exc_info=True)


class Worker:
    def __init__(
        self,
        *,
        worker_id: str,
        queues: list[str] | None = None,
        interval: float = IDLE_INTERVAL,
        parent_pid: int | None = None,
        batch: bool = False,
        max_tasks: int | None = None,
        periodic: bool = True,
    ) -> None:
        self.worker_id = worker_id
        self.queues = queues
        self.interval = interval
        self.parent_pid = parent_pid
        self.batch = batch
        self.max_tasks = max_tasks
        self.periodic = periodic
        self.current: Any = None
        self.ran = 0
        self._beating = threading.Event()
        self._next_schedule = 0.0
        self._said_parent_gone = False

    # --- signals and the parent ------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if shutdown.stop_requested():
            logger.warning("%s again: stopping now", signal.strsignal(signum))
            raise SystemExit(1)
        logger.info("%s: finishing the current chunk, then stopping", signal.strsignal(signum))
        shutdown.request_stop()

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def parent_gone(self) -> bool:
        """Whether the process that started this worker has died; said once in the log, by
        whichever of the loop and the heartbeat notices first."""
        gone = self.parent_pid is not None and os.getppid() != self.parent_pid
        if gone and not self._said_parent_gone:
            self._said_parent_gone = True
            logger.warning("the process that started this worker is gone: stopping")
        return gone

    # --- heartbeat ---------------------------------------------------------------------------

    def _beat(self) -> None:
        now = timezone.now()
        if self.current is not None and not renew(self.current, self.worker_id):
            logger.warning("lost the lease on task %s", self.current)
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "seen_at": now,
                "current_task": self.current,
                "stopping": shutdown.stop_requested(),
            },
            create_defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )

    def _heartbeat_loop(self) -> None:
        every = max(lease().total_seconds() / 3, 1.0)
        last = 0.0
        try:
            while not self._beating.wait(0.5):
                if self.parent_gone():
                    shutdown.request_stop()
                if time.monotonic() - last >= every:
                    try:
                        self._beat()
                        last = time.monotonic()
                    except DatabaseError as error:
                        # One line, as the task loop says it: the cause, not a traceback.
                        logger.warning("heartbeat failed (%s); trying again", error)
                        close_connections()
        finally:
            close_connections()

    # --- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        """Run tasks until asked to stop (or, with `batch`, until nothing is due)."""
        logger.info("worker %s started (pid %s)", self.worker_id, os.getpid())
        beating = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        beating.start()
        failures = 0
        recycled = 0.0
        try:
            while not shutdown.stop_requested() and not self.parent_gone():
                try:
                    if time.monotonic() - recycled >= RECYCLE_EVERY:
                        close_old_connections()
                        recycled = time.monotonic()
                    self._schedule()
                    row = claim(self.worker_id, self.queues)
                    failures = 0
                except DatabaseError as error:
                    failures += 1
                    delay = min(2.0**failures, RECONNECT_MAX)
                    logger.warning("database unavailable (%s); again in %.0f s", error, delay)
                    close_connections()
                    shutdown.wait(delay)
                    continue
                if row is None:
                    if self.batch:
                        break
                    shutdown.wait(self.interval)
                    continue
                self.run_task(row)
                recycled = 0.0  # after a task, always
                if self.max_tasks is not None and self.ran >= self.max_tasks:
                    break
        finally:
            self._beating.set()
            beating.join(timeout=5)
            self._forget_heartbeat()
            close_connections()
            logger.info("worker %s stopped", self.worker_id)

    def _schedule(self) -> None:
        if self.periodic and time.monotonic() >= self._next_schedule:
            enqueue_due()
            self._next_schedule = time.monotonic() + SCHEDULE_EVERY

    def run_task(self, row: QueuedTask) -> None:
        # Every line logged while it runs carries the task's id (core.logs).
        with running_task(row.pk):
            self._run_task(row)

    def _run_task(self, row: QueuedTask) -> None:
        self.current = row.pk
        try:
            task = import_string(row.task_path)
            args = row.args_kwargs.get("args", [])
            kwargs = row.args_kwargs.get("kwargs", {})
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result(row, task)), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
            value = normalize_json(value)
        except shutdown.Interrupted:
            logger.info("task %s (%s) paused; it resumes with the next worker", row.pk, row.name)
            self._record(lambda: give_back(row, self.worker_id))
        except Exception as error:
            logger.warning("task %s (%s) failed: %r", row.pk, row.name, error, exc_info=True)
            if isinstance(error, DatabaseError):
                close_connections()
            failure = error
            self._record(lambda: retry_or_fail(row, self.worker_id, failure))
        else:
            self._record(lambda: succeed(row, self.worker_id, value))
        finally:
            self.current = None
            self.ran += 1

    def _record(self, write: Callable[[], object]) -> None:
        """Write a task's outcome, waiting out a database that is briefly down. If the worker
        must stop before it can, the lease runs out and the task is run again (idempotent)."""
        failures = 0
        while True:
            try:
                write()
                return
            except DatabaseError as error:
                failures += 1
                close_connections()
                if shutdown.stop_requested() and failures > 3:
                    logger.error("could not record a task's outcome (%s); its lease will", error)
                    return
                shutdown.wait(min(2.0**failures, RECONNECT_MAX))

    def _forget_heartbeat(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.debug("could not remove the heartbeat row", exc_info=True)
