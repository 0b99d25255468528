"""NUL characters, oversized bodies, caching and the Content-Security-Policy on every answer."""

from __future__ import annotations

import json

import pytest

from goodwill.people.models import Person
from goodwill.workspaces import services

NUL_MESSAGE = "a NUL character (\\0) is not allowed in a request"


@pytest.fixture
def group_id(owner):
    return services.create(owner, "Club").workspace_id


@pytest.mark.parametrize(
    "path",
    [
        "/api/people?q=a%00b",
        "/api/intro?need=a%00b",
        "/api/groups/{group}/who-knows?q=a%00b",
        "/api/people?tag=%00",
        "/api/merges?limit=1%00",
        "/api/people/1%00",
    ],
)
def test_a_nul_in_an_api_query_is_400_in_the_error_shape(owner_client, group_id, path):
    answer = owner_client.get(path.format(group=group_id))
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error": NUL_MESSAGE, "status": 400}


@pytest.mark.parametrize(
    "path", ["/people/?q=a%00b", "/intro/?need=%00", "/reach/?who=%00", "/people/%00/"]
)
def test_a_nul_in_a_page_query_is_400(owner_client, path):
    answer = owner_client.get(path)
    assert answer.status_code == 400
    assert NUL_MESSAGE in answer.content.decode()


def test_a_nul_in_a_json_name_or_a_form_field_is_400_and_nothing_is_stored(owner, owner_client):
    answer = owner_client.post(
        "/api/people", json.dumps({"name": "Ann\u0000Lee"}), content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == NUL_MESSAGE
    form = owner_client.post(
        "/people/new/", "name=Ann%00Lee", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 400
    # A multipart form is read by its view; Django's form fields refuse NUL characters there.
    multipart = owner_client.post("/people/new/", {"name": "Ann\x00Lee"})
    assert b"Null characters are not allowed" in multipart.content
    assert not Person.objects.filter(owner=owner, name__startswith="Ann").exists()


def test_an_api_body_over_the_limit_is_413_in_the_error_shape(owner_client):
    big = json.dumps({"name": "Ann", "notes": "x" * (3 * 1024 * 1024)})
    answer = owner_client.post("/api/people", big, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json() == {
        "ok": False,
        "error": "the request body is larger than 2.5 MB",
        "status": 413,
    }


def test_signed_in_answers_are_private_and_every_page_has_a_policy(owner_client, client, db):
    for path in ("/api/people", "/people/", "/map/data.json"):
        answer = owner_client.get(path)
        assert answer.status_code == 200, path
        assert "private" in answer["Cache-Control"], path
        assert "script-src 'self'" in answer["Content-Security-Policy"]
    login = client.get("/login/")
    assert "frame-ancestors 'none'" in login["Content-Security-Policy"]
    assert (
        "'unsafe-inline'"
        not in login["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_a_token_signed_answer_is_private(owner, client):
    from goodwill.api.models import ApiToken

    _, raw = ApiToken.issue(owner, "test")
    answer = client.get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    assert "private" in answer["Cache-Control"]
