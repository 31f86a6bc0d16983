"""Writes about the audit log itself: reading it out as a file is recorded too."""

from __future__ import annotations

from dataclasses import asdict

from afterclass.audit.log import record_audit
from afterclass.audit.models import AuditEntry
from afterclass.auditlog.queries import AuditFilter
from afterclass.people.access import check_org_admin
from afterclass.people.models import Organisation, Person


def do_record_audit_export(wanted: AuditFilter, *, actor: Person) -> AuditEntry:
    """An organisation admin downloads the audit log (filtered by `wanted`): only admins may,
    and the download is itself an entry, with the filters it used."""
    check_org_admin(actor)
    filters = {
        key: value if isinstance(value, int | str) else str(value)
        for key, value in asdict(wanted).items()
        if value not in (None, "")
    }
    # One INSERT: atomic on its own.
    return record_audit("audit.export", Organisation.current(), actor=actor, filters=filters)
