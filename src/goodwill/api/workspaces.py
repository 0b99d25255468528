"""API endpoints of the workspaces area."""

from ninja import Router

router = Router(tags=["workspaces"], by_alias=True)
