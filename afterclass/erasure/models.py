"""The erasure of a person: asked for by an organisation admin, carried out in the background.

"Former colleague" is the erased person's own row, emptied (erasure.personal.empty_account):
name "Former colleague", an address of the form erased-<reference>@erased.invalid, no password,
no profile, deactivated. One such row per erased person rather than one shared row, or authors
made nullable, because every rule already reads an author row: who may see a post or a comment,
one reaction or vote per person and post, the counters, the cards, the API and the exports show
`author.display_name`. Kept content therefore needs no change of any rule, no re-pointing of rows
that are unique per person (a shared row would collide on them) and no null checks; every page
shows "Former colleague" because that is the row's name. The row keeps no personal data: the
reference is random, and its id was never shown as anything but a number.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from afterclass.people.models import ERASED_DOMAIN, FORMER_COLLEAGUE, ErasedContent

__all__ = ["ERASED_DOMAIN", "FORMER_COLLEAGUE", "Erasure", "ErasureState"]


class ErasureState(models.TextChoices):
    QUEUED = "queued", "Waiting to run"
    RUNNING = "running", "Running"
    DONE = "done", "Done"


IN_PROGRESS = (ErasureState.QUEUED, ErasureState.RUNNING)


def new_reference() -> str:
    return secrets.token_hex(8)


class Erasure(models.Model):
    """One person's erasure: which row it empties, what becomes of their content, and how far it
    has got. At most one per person, so asking twice is the same erasure."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure"
    )
    # Opaque: names the erasure in the audit log and the tombstone's address, never the person.
    reference = models.CharField(max_length=32, unique=True, default=new_reference)
    content = models.CharField(max_length=8, choices=ErasedContent.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=ErasureState.choices, default="queued")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state"], name="erasure_state")]

    def __str__(self) -> str:
        return f"erasure {self.reference} ({self.state})"

    @property
    def is_done(self) -> bool:
        return self.state == ErasureState.DONE
