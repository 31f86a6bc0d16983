"""The audit log in the API, for organisation admins: the same filters as Manage → Audit log."""

from django.http import HttpRequest
from ninja import Query, Router

from afterclass.auditlog.queries import AuditFilter, audit_page
from afterclass.auditlog.schemas import AuditEntryOut, AuditPage, AuditParams
from afterclass.core.api import current_person, errors
from afterclass.core.errors import InvalidInput
from afterclass.people.access import check_org_admin

router = Router(tags=["audit"])


@router.get(
    "/audit",
    response={200: AuditPage, **errors(400, 401, 403, 422)},
    summary="Audit log",
)
def audit(request: HttpRequest, params: Query[AuditParams]) -> AuditPage:
    """Who changed what, newest first (admins only). Entries cannot be changed or deleted."""
    check_org_admin(current_person(request))
    if params.since and params.until and params.until < params.since:
        raise InvalidInput("until must be on or after since.", field="until")
    wanted = AuditFilter(
        actor_id=params.actor,
        action=params.action or "",
        space_id=params.space,
        since=params.since,
        until=params.until,
    )
    page = audit_page(wanted, params.cursor, limit=params.limit)
    return AuditPage(items=[AuditEntryOut.build(entry) for entry in page.items], next=page.next)
