"""System health over the API: admins only, the same figures and retry as the page."""

import uuid

import pytest
from django.utils import timezone

from afterclass.people.actions import do_create_access_token
from afterclass.worker.models import QueuedTask, TaskState

pytestmark = pytest.mark.django_db


def bearer(person) -> dict[str, str]:
    _, token = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def failed_task() -> QueuedTask:
    return QueuedTask.objects.create(
        task_path="afterclass.notifications.tasks.send_digests",
        state=TaskState.FAILED,
        attempts=5,
        finished_at=timezone.now(),
        error_class="builtins.ValueError",
        error="ValueError: no",
    )


def test_api_health_answers_an_admin(client, admin):
    failed_task()
    body = client.get("/api/v1/system/health", **bearer(admin)).json()
    assert body["tasks_failed"] == 1
    assert {check["name"] for check in body["checks"]} >= {"database", "disk"}


def test_api_health_refuses_a_member_and_a_stranger(client, person):
    assert client.get("/api/v1/system/health").status_code == 401
    response = client.get("/api/v1/system/health", **bearer(person))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only organisation admins can do this.",
        "field": None,
        "errors": [],
    }


@pytest.mark.parametrize("count", [1, 30])
def test_api_failed_tasks_pages_with_flat_queries(client, admin, count, django_assert_num_queries):
    for _ in range(count):
        failed_task()
    headers = bearer(admin)
    client.get("/api/v1/system/tasks/failed?limit=10", **headers)
    with django_assert_num_queries(2):  # the token with its person, the page
        body = client.get("/api/v1/system/tasks/failed?limit=10", **headers).json()
    assert len(body["items"]) == min(count, 10)
    assert body["items"][0]["error"] == "ValueError: no"
    assert (body["next"] is not None) == (count > 10)


def test_api_retry_runs_a_failed_task_again(client, admin):
    task = failed_task()
    response = client.post(f"/api/v1/system/tasks/{task.pk}/retry", **bearer(admin))
    assert response.status_code == 200
    assert response.json()["state"] == TaskState.READY
    assert response.json()["attempts"] == 0


def test_api_retry_refuses_what_it_cannot_retry(client, admin, person):
    task = QueuedTask.objects.create(task_path="x.y")
    headers = bearer(admin)
    response = client.post(f"/api/v1/system/tasks/{task.pk}/retry", **headers)
    assert response.status_code == 409
    assert "Only a failed task can be retried" in response.json()["detail"]
    assert client.post(f"/api/v1/system/tasks/{uuid.uuid4()}/retry", **headers).status_code == 404
    assert client.post("/api/v1/system/tasks/nonsense/retry", **headers).status_code == 404
    failed = failed_task()
    response = client.post(f"/api/v1/system/tasks/{failed.pk}/retry", **bearer(person))
    assert response.status_code == 403
