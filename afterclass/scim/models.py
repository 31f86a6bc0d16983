"""SCIM provisioning: the identity provider's tokens and what it knows of people and departments.

A person or a department stays the people app's; the rows here only hold what SCIM adds to them
(the identity provider's userName and externalId, the name parts it sent) and when the identity
provider deleted them, after which SCIM no longer lists them (the person stays, deactivated).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from afterclass.people.models import Department, Person


class ProvisioningToken(models.Model):
    """A bearer token for an identity provider's SCIM client. Only its SHA-256 is stored."""

    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ProvisionedPerson(models.Model):
    """What the identity provider knows of a person: its userName, externalId and name parts."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="provisioning"
    )
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    given_name = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120, blank=True)
    # How the identity provider labelled the address it sent (`emails[].type`, `.primary`).
    email_type = models.CharField(max_length=40, blank=True)
    email_primary = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set by DELETE: the person is deactivated and no longer a SCIM resource (404), their
    # content stays. A later POST of the same userName or e-mail brings them back.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("user_name"), name="scim_person_unique_user_name"),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="scim_person_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.user_name


class ProvisionedDepartment(models.Model):
    """What the identity provider knows of a department (a SCIM Group): its externalId."""

    department = models.OneToOneField(
        Department, primary_key=True, on_delete=models.CASCADE, related_name="provisioning"
    )
    external_id = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set by DELETE when something else still names the department (its teams, a space's
    # audience, a survey): it stays in Afterclass but is no longer a SCIM resource.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="scim_department_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.external_id or str(self.department_id)
