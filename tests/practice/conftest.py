"""The practice tests share the small network in ``tests.practice.world``."""

import pytest

from tests.practice.world import World, build


@pytest.fixture
def world(owner) -> World:
    return build(owner)
