"""API endpoints of the practice area."""

from ninja import Router

router = Router(tags=["practice"], by_alias=True)
