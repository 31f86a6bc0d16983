"""Writing audit entries from inside an action's transaction."""

from typing import Any

from django.db.models import Model

from afterclass.audit.models import AuditEntry


def record_audit(
    action: str,
    target: Model,
    *,
    actor: Model | None,
    space_id: int | None = None,
    **data: Any,
) -> AuditEntry:
    """Record that `actor` did `action` to `target`; call it inside the action's transaction."""
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        space_id=space_id,
        data=data,
    )
