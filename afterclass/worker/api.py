"""System health API for organisation admins: the checks, the queue, failed tasks, retry."""

from django.http import HttpRequest
from ninja import Query, Router

from afterclass.core.api import PageParams, current_person, errors
from afterclass.people.access import check_org_admin
from afterclass.worker.access import access_task
from afterclass.worker.actions import do_retry_task
from afterclass.worker.queries import failed_tasks, system_health
from afterclass.worker.schemas import SystemHealthOut, TaskOut, TaskPage

router = Router(tags=["system"])


@router.get(
    "/system/health",
    response={200: SystemHealthOut, **errors(401, 403)},
    summary="System health",
)
def health(request: HttpRequest) -> SystemHealthOut:
    """The readiness checks, the workers seen lately and the queue's figures (admins only)."""
    check_org_admin(current_person(request))
    return SystemHealthOut.build(system_health())


@router.get(
    "/system/tasks/failed",
    response={200: TaskPage, **errors(400, 401, 403, 422)},
    summary="Failed tasks",
)
def failed(request: HttpRequest, params: Query[PageParams]) -> TaskPage:
    """Background tasks that failed every attempt, most recent first, with their errors."""
    check_org_admin(current_person(request))
    page = failed_tasks(params.cursor, limit=params.limit)
    return TaskPage(items=[TaskOut.build(task) for task in page.items], next=page.next)


@router.post(
    "/system/tasks/{task_id}/retry",
    response={200: TaskOut, **errors(401, 403, 404, 409)},
    summary="Retry a failed task",
)
def retry(request: HttpRequest, task_id: str) -> TaskOut:
    """Run a failed task again from its first attempt (audited). 409 if it is not failed."""
    person = current_person(request)
    return TaskOut.build(do_retry_task(access_task(person, task_id), actor=person))
