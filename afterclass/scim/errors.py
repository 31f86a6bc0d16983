"""SCIM errors (RFC 7644 §3.12): a status, a `scimType` where the RFC names one, a detail."""

from __future__ import annotations


class ScimError(Exception):
    def __init__(
        self, status: int, scim_type: str | None, detail: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.scim_type = scim_type
        self.detail = detail
        self.retry_after = retry_after  # seconds, for a 429's Retry-After
