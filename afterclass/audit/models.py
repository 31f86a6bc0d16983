"""The audit log: who changed what, append-only, written by the actions."""

from typing import ClassVar

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    time = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True)
    space_id = models.BigIntegerField(null=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes: ClassVar = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"
