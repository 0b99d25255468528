"""API endpoints of the insights area."""

from ninja import Router

router = Router(tags=["insights"], by_alias=True)
