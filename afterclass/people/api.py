"""People API: /api/v1/people and /api/v1/departments."""

from ninja import Router

router = Router(tags=["people"])
