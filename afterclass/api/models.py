"""What the API keeps between requests: the answers to requests sent with an Idempotency-Key."""

from typing import ClassVar

from django.db import models
from django.utils import timezone

from afterclass.people.models import Person


class IdempotencyKey(models.Model):
    """One person's use of one `Idempotency-Key`, and the answer it got.

    Inserting the row is the claim: the unique (person, key) constraint lets exactly one of two
    concurrent requests with the same key run. `status` is empty while that request runs.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.TextField()
    # SHA-256 of the query string and the body: "the same request" is the same bytes.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=255, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
