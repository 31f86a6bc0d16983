"""Spaces API: /api/v1/spaces and membership actions."""

from ninja import Router

router = Router(tags=["spaces"])
