"""Manage → Audit log: the organisation admin's view of who changed what, and its CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from afterclass.auditlog.actions import do_record_audit_export
from afterclass.auditlog.forms import AuditFilterForm
from afterclass.auditlog.queries import audit_actions, audit_csv_rows, audit_page, space_names
from afterclass.core.errors import InvalidInput
from afterclass.core.http import SignedInRequest, page_or_partial
from afterclass.people.access import check_org_admin


def _form(request: SignedInRequest, spaces: dict[int, str]) -> AuditFilterForm:
    return AuditFilterForm(request.GET, actions=audit_actions(), spaces=spaces)


@login_required
@require_GET
def audit_log(request: SignedInRequest) -> HttpResponse:
    check_org_admin(request.user)
    spaces = space_names()
    form = _form(request, spaces)
    page = None
    error = ""
    if form.is_valid():
        try:
            page = audit_page(form.wanted(), request.GET.get("cursor"))
        except InvalidInput as problem:
            error = problem.message
    rows = [(entry, spaces.get(entry.space_id or 0, "")) for entry in page.items] if page else []
    context = {"form": form, "page": page, "rows": rows, "error": error}
    status = 200 if page is not None else 400
    return page_or_partial(request, "auditlog/log.html", "results", context, status=status)


@login_required
@require_GET
def audit_log_csv(request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
    check_org_admin(request.user)
    form = _form(request, space_names())
    if not form.is_valid():
        raise InvalidInput("Correct the filters before downloading the audit log.")
    wanted = form.wanted()
    do_record_audit_export(wanted, actor=request.user)
    response = StreamingHttpResponse(audit_csv_rows(wanted), content_type="text/csv; charset=utf-8")
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
