from __future__ import annotations

import pytest

from tests.workspaces.specimen import build_group


@pytest.fixture
def group(db, django_user_model):
    return build_group(django_user_model)
