"""Retention rules (the organisation's default and each space's own), legal holds, and runs."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_MONTHS = 120


class RetentionAction(models.TextChoices):
    """What happens to a thread whose last activity is older than the rule's months."""

    KEEP = "keep", "Keep everything"
    ARCHIVE = "archive", "Archive"
    DELETE = "delete", "Delete"


class SpaceRule(models.TextChoices):
    """A space's choice: the organisation's default, or a rule of its own."""

    DEFAULT = "default", "Follow the organisation's default"
    KEEP = "keep", "Keep everything"
    ARCHIVE = "archive", "Archive"
    DELETE = "delete", "Delete"


TAKES_MONTHS = ("archive", "delete")
MONTHS_WHEN_NEEDED = (Q(action__in=TAKES_MONTHS) & Q(months__gte=1, months__lte=MAX_MONTHS)) | (
    ~Q(action__in=TAKES_MONTHS) & Q(months__isnull=True)
)


class OrganisationRetention(models.Model):
    """The organisation's default rule; one row at most (none: keep everything)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    action = models.CharField(
        max_length=8, choices=RetentionAction.choices, default=RetentionAction.KEEP
    )
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(singleton=True), name="retention_org_singleton"),
            models.CheckConstraint(condition=MONTHS_WHEN_NEEDED, name="retention_org_months"),
        ]

    def __str__(self) -> str:
        return f"organisation retention: {self.action} {self.months or ''}".strip()


class SpaceRetention(models.Model):
    """A space's own rule and its legal hold (none: follow the default, no hold)."""

    space = models.OneToOneField("spaces.Space", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=8, choices=SpaceRule.choices, default=SpaceRule.DEFAULT)
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=MONTHS_WHEN_NEEDED, name="retention_space_months"),
        ]

    def __str__(self) -> str:
        return f"retention of space #{self.space_id}: {self.action}"


class RetentionRun(models.Model):
    """One run of the periodic job: what it archived, deleted and kept under legal hold, per
    space (`spaces`: {space id: {"rule", "months", "threads", "held"}})."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    archived = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    spaces = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"retention run #{self.pk}"
