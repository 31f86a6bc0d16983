"""System health: is this installation ready to serve? The checks behind /readyz and the
organisation admins' System health page.

Each check answers ok or a sentence saying what is wrong; none raises. The details (hosts,
errors, counts) only reach organisation admins and requests from the server itself.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from afterclass.worker.models import QueuedTask, TaskState, WorkerHeartbeat
from afterclass.worker.queue import lease

logger = logging.getLogger("afterclass.health")

QUEUE_DELAY_LIMIT = timedelta(minutes=5)  # oldest due task waiting longer: workers too few
FAILED_WINDOW = timedelta(hours=24)
REDIS_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("readiness: database unreachable", exc_info=True)
        return Check("database", False, f"unreachable: {type(error).__name__}: {error}")
    return Check("database", True, connection.vendor)


def check_redis() -> Check | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        client.ping()
        client.close()
    except Exception as error:
        logger.warning("readiness: redis unreachable", exc_info=True)
        return Check("redis", False, f"unreachable: {type(error).__name__}: {error}")
    return Check("redis", True, "answers")


def uses_worker() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("afterclass.worker.")


def check_worker() -> Check | None:
    if not uses_worker():
        return None
    # A worker beats every third of a lease: two leases without a beat is a worker gone.
    limit = max(lease() * 2, timedelta(seconds=60))
    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if latest is None:
        return Check("worker", False, "no background worker has been seen")
    age = timezone.now() - latest
    if age > limit:
        return Check("worker", False, f"no background worker seen for {int(age.total_seconds())} s")
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - limit).count()
    return Check("worker", True, f"{alive} running")


def check_queue() -> Check | None:
    if not uses_worker():
        return None
    now = timezone.now()
    oldest = (
        QueuedTask.objects.filter(state=TaskState.READY, run_after__lte=now)
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    if oldest is not None and now - oldest > QUEUE_DELAY_LIMIT:
        minutes = int((now - oldest).total_seconds() // 60)
        return Check("queue", False, f"the oldest waiting task has waited {minutes} min")
    stuck = QueuedTask.objects.stuck(now).count()
    if stuck:
        return Check("queue", False, f"{stuck} task(s) held by a worker that stopped answering")
    return Check("queue", True, "no task waiting too long")


def check_failed_tasks() -> Check | None:
    if not uses_worker():
        return None
    failed = QueuedTask.objects.filter(
        state=TaskState.FAILED, finished_at__gte=timezone.now() - FAILED_WINDOW
    ).count()
    if failed:
        return Check("failed_tasks", False, f"{failed} task(s) failed in the last 24 hours")
    return Check("failed_tasks", True, "none in the last 24 hours")


def check_disk() -> Check:
    minimum = int(getattr(settings, "MIN_FREE_DISK_MB", 500)) * 1024 * 1024
    folders = {Path(settings.DATA_DIR)}
    if not getattr(settings, "S3_BUCKET", ""):
        folders.add(Path(settings.MEDIA_ROOT))
    low = []
    for folder in sorted(folders):
        # A folder not made yet (no upload so far) fills the disk of its nearest parent.
        existing = next((path for path in (folder, *folder.parents) if path.exists()), folder)
        try:
            free = shutil.disk_usage(existing).free
        except OSError as error:
            low.append(f"{folder}: {error}")
            continue
        if free < minimum:
            low.append(f"{folder}: {free // (1024 * 1024)} MB free")
    if low:
        return Check("disk", False, "low on space: " + "; ".join(low))
    return Check("disk", True, "enough free space")


CHECKS: tuple[Callable[[], Check | None], ...] = (
    check_database,
    check_redis,
    check_worker,
    check_queue,
    check_failed_tasks,
    check_disk,
)


def readiness() -> list[Check]:
    """Every check that applies here; the checks that need the database are skipped (and
    reported as such) when it is unreachable."""
    database = check_database()
    results = [database]
    for check in CHECKS[1:]:
        if not database.ok and check in (check_worker, check_queue, check_failed_tasks):
            continue
        result = check()
        if result is not None:
            results.append(result)
    return results
