"""GET /readyz: 200 when the site can serve and its background work keeps up, else 503 naming
what is wrong; the details only for organisation admins and the server itself."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.core.tests.test_settings import clean_env, run_python
from afterclass.worker.models import QueuedTask, TaskState, WorkerHeartbeat
from afterclass.worker.tests.test_queue import DATABASE_QUEUE

pytestmark = pytest.mark.django_db

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def worker_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="app-1", pid=42)


def test_readyz_is_ready_with_a_live_worker(client, worker_queue):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["failing"] == []
    assert body["checks"]["worker"] == {"ok": True, "detail": "1 running"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_hides_details_from_outside_callers(client, worker_queue):
    body = client.get("/readyz", **OUTSIDE).json()
    assert body == {"status": "ready", "failing": []}


def test_readyz_shows_details_to_an_organisation_admin_from_outside(client, admin, worker_queue):
    client.force_login(admin)
    assert "checks" in client.get("/readyz", **OUTSIDE).json()


def test_readyz_fails_without_a_worker(client, settings):
    settings.TASKS = DATABASE_QUEUE
    response = client.get("/readyz", **OUTSIDE)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["worker"]}


def test_readyz_fails_when_the_worker_stopped_answering(client, worker_queue):
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/readyz").json()
    assert body["failing"] == ["worker"]
    assert "no background worker seen for" in body["checks"]["worker"]["detail"]


def test_readyz_fails_when_work_waits_too_long(client, worker_queue):
    QueuedTask.objects.create(task_path="x.y", run_after=timezone.now() - timedelta(minutes=6))
    body = client.get("/readyz").json()
    assert body["failing"] == ["queue"]
    assert "waited 6 min" in body["checks"]["queue"]["detail"]


def test_readyz_fails_on_a_stuck_task(client, worker_queue):
    QueuedTask.objects.create(
        task_path="x.y",
        state=TaskState.RUNNING,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert client.get("/readyz").json()["failing"] == ["queue"]


def test_readyz_fails_on_a_recently_failed_task_only(client, worker_queue):
    QueuedTask.objects.create(
        task_path="x.y", state=TaskState.FAILED, finished_at=timezone.now() - timedelta(days=2)
    )
    assert client.get("/readyz").status_code == 200
    QueuedTask.objects.create(task_path="x.y", state=TaskState.FAILED, finished_at=timezone.now())
    body = client.get("/readyz").json()
    assert body["failing"] == ["failed_tasks"]


def test_readyz_fails_when_the_disk_is_low(client, settings):
    settings.MIN_FREE_DISK_MB = 10**12  # more than any disk: a real reading, a huge threshold
    body = client.get("/readyz").json()
    assert body["failing"] == ["disk"]
    assert "MB free" in body["checks"]["disk"]["detail"]


def test_readyz_fails_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"  # nothing listens there
    body = client.get("/readyz").json()
    assert body["failing"] == ["redis"]
    assert "unreachable" in body["checks"]["redis"]["detail"]


def test_readyz_checks_a_real_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    assert client.get("/readyz").json()["checks"]["redis"]["ok"]


def test_readyz_skips_worker_checks_when_tasks_run_in_the_request(client, settings):
    # The tests' settings run tasks at once: there is no worker to wait for (and no Redis here).
    settings.REDIS_URL = ""
    body = client.get("/readyz").json()
    assert set(body["checks"]) == {"database", "disk"}


READY_WITH_BROKEN_DATABASE = """
import json, time, django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client(REMOTE_ADDR="{remote}").get("/readyz")
print(json.dumps({{"status": response.status_code, "body": response.json(),
                  "seconds": time.monotonic() - started}}))
"""


def readyz_in_a_process(tmp_path, remote: str, **env):
    result = run_python(
        READY_WITH_BROKEN_DATABASE.format(remote=remote),
        clean_env(AFTERCLASS_DATA_DIR=str(tmp_path), **env),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_readyz_answers_503_when_sqlite_cannot_be_opened(tmp_path):
    missing = tmp_path / "no-such-folder" / "afterclass.sqlite3"
    answer = readyz_in_a_process(tmp_path, "127.0.0.1", DATABASE_URL=f"sqlite:///{missing}")
    assert answer["status"] == 503
    assert answer["body"]["failing"] == ["database"]
    assert "unable to open database file" in answer["body"]["checks"]["database"]["detail"]


def test_readyz_answers_503_on_a_closed_database_port_and_hides_where(tmp_path):
    answer = readyz_in_a_process(
        tmp_path, "203.0.113.9", DATABASE_URL="postgres://postgres@127.0.0.1:1/afterclass"
    )
    assert answer["status"] == 503
    assert answer["body"] == {"status": "unavailable", "failing": ["database"]}
    # Within the connect timeout (5 s), not a hang: a refused port fails at once.
    assert answer["seconds"] < 30
