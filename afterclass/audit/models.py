"""The audit log: who changed what, append-only, written by the actions."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry: entries are only ever added."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    # Deleting a person sets `actor` to null through Django's collector, which goes through the
    # plain base manager, not this queryset: the fact stays, the link to the removed row goes.
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")


class AuditEntry(models.Model):
    time = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True)
    space_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        indexes: ClassVar = [
            models.Index(fields=["target_type", "target_id"]),
            # The log is read newest first (time, then id), alone or filtered by one of these.
            models.Index(fields=["-time", "-id"], name="audit_newest"),
            models.Index(fields=["actor", "-time", "-id"], name="audit_actor_newest"),
            models.Index(fields=["action", "-time", "-id"], name="audit_action_newest"),
            models.Index(fields=["space_id", "-time", "-id"], name="audit_space_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")
