"""API endpoints of the graph area."""

from ninja import Router

router = Router(tags=["graph"], by_alias=True)
