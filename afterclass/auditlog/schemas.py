"""API schemas of the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

from afterclass.audit.models import AuditEntry
from afterclass.core.api import Id, PageParams, storable


class AuditParams(PageParams):
    actor: Id | None = Field(None, description="Only entries by this person (their id).")
    action: Annotated[str, Field(max_length=64), storable] | None = Field(
        None, description='Only this action, e.g. "person.deactivate".'
    )
    space: Id | None = Field(
        None, description="Only entries about this space or about something in it."
    )
    since: date | None = Field(None, description="From this day on (the organisation's time).")
    until: date | None = Field(None, description="Up to and including this day.")


class AuditActorOut(Schema):
    id: int
    display_name: str
    email: str


class AuditEntryOut(Schema):
    id: int
    time: datetime
    actor: AuditActorOut | None = Field(
        description="Who did it; null for the system, the SCIM client or a removed account."
    )
    action: str
    target_type: str = Field(description='The kind of thing it was done to, e.g. "posts.post".')
    target_id: int | None
    space_id: int | None
    data: dict[str, Any]

    @classmethod
    def build(cls, entry: AuditEntry) -> AuditEntryOut:
        actor = entry.actor
        return cls(
            id=entry.pk,
            time=entry.time,
            actor=AuditActorOut(id=actor.pk, display_name=actor.display_name, email=actor.email)
            if actor
            else None,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            space_id=entry.space_id,
            data=entry.data,
        )


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next: str | None
