"""/readyz for load balancers, and the organisation admins' System health page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import AfterclassError
from afterclass.core.http import SignedInRequest
from afterclass.people.access import check_org_admin, is_org_admin
from afterclass.worker.access import access_task
from afterclass.worker.actions import do_retry_failed_emails, do_retry_task
from afterclass.worker.health import readiness
from afterclass.worker.queries import failed_tasks, system_health

logger = logging.getLogger("afterclass.health")

LOOPBACK = {"127.0.0.1", "::1"}


def may_see_details(request: HttpRequest) -> bool:
    """The server itself (a local probe) or a signed-in organisation admin."""
    if request.META.get("REMOTE_ADDR") in LOOPBACK:
        return True
    try:
        return is_org_admin(getattr(request, "user", None))
    except Exception:  # the session needs the database, which may be what is down
        logger.debug("readyz: could not tell who asks", exc_info=True)
        return False


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when this installation can serve and its background work keeps up; otherwise 503
    naming the failing checks (the details only for admins and the server itself)."""
    checks = readiness()
    failing = [check.name for check in checks if not check.ok]
    body: dict[str, object] = {"status": "unavailable" if failing else "ready", "failing": failing}
    if may_see_details(request):
        body["checks"] = {check.name: {"ok": check.ok, "detail": check.detail} for check in checks}
    return JsonResponse(body, status=503 if failing else 200)


@login_required
@require_GET
def system_page(request: SignedInRequest) -> HttpResponse:
    check_org_admin(request.user)
    return render(
        request,
        "worker/system.html",
        {"health": system_health(), "failed": failed_tasks(request.GET.get("cursor"))},
    )


@login_required
@require_POST
def retry_task(request: SignedInRequest, task_id: str) -> HttpResponse:
    task = access_task(request.user, task_id)
    try:
        do_retry_task(task, actor=request.user)
    except AfterclassError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{task.name}” will run again in a moment.")
    return redirect("system-health")


@login_required
@require_POST
def retry_emails(request: SignedInRequest) -> HttpResponse:
    count = do_retry_failed_emails(actor=request.user)
    messages.success(request, f"{count} e-mail{'s' if count != 1 else ''} will be sent again.")
    return redirect("system-health")
