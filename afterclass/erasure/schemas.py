"""API schemas of erasures."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from afterclass.core.api import InputSchema
from afterclass.erasure.models import Erasure


class ErasureIn(InputSchema):
    content: Literal["delete", "keep"] = Field(
        description="What becomes of their posts, comments and answers: deleted, or kept and "
        "shown as “Former colleague”."
    )
    confirm: str = Field(max_length=254, description="The person's e-mail address, typed again.")


class ErasureOut(Schema):
    reference: str = Field(description="Names the erasure in the audit log; not the person.")
    content: str = Field(description="delete or keep.")
    state: str = Field(description="queued, running or done.")
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def build(cls, erasure: Erasure) -> ErasureOut:
        return cls(
            reference=erasure.reference,
            content=erasure.content,
            state=erasure.state,
            created_at=erasure.created_at,
            finished_at=erasure.finished_at,
        )
