from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    """Manage → Audit log and GET /api/v1/audit: reading the audit trail. The trail itself
    (`audit`: the append-only entries and record_audit) sits below every app that writes to it;
    this reader sits above people and spaces, whose names and spaces it filters by."""

    name = "afterclass.auditlog"
    label = "auditlog"
