"""The Django admin is for staff only."""

from __future__ import annotations

import pytest

from goodwill.people.services import create_person

pytestmark = pytest.mark.django_db


def test_staff_see_people_in_the_admin(client, django_user_model, owner):
    create_person(owner, "Ann Lee")
    staff = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123")
    client.force_login(staff)
    response = client.get("/admin/people/person/")
    assert response.status_code == 200
    assert "Ann Lee" in response.content.decode()


def test_ordinary_users_and_visitors_are_kept_out(client, owner_client):
    assert owner_client.get("/admin/people/person/").status_code == 302
    response = client.get("/admin/people/person/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
