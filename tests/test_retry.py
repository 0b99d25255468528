"""A request that met a locked SQLite database is tried again, unless it had written."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import RequestFactory

from goodwill.people.models import Person
from goodwill.web.retry import RetryWhenLockedMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def middleware(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite has one writer to wait for")
    monkeypatch.setattr("goodwill.web.retry.PAUSE_SECONDS", 0)
    return RetryWhenLockedMiddleware(lambda request: HttpResponse("unused"))


def test_a_view_that_found_the_database_locked_before_writing_is_run_again(middleware):
    calls = []

    def view(request):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return HttpResponse("done")

    response = middleware.process_view(RequestFactory().post("/x/"), view, (), {})
    assert (response.content, len(calls)) == (b"done", 3)


def test_it_gives_up_after_three_tries(middleware):
    def view(request):
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError, match="locked"):
        middleware.process_view(RequestFactory().get("/x/"), view, (), {})


def test_a_view_that_had_written_is_never_run_twice(middleware, owner):
    calls = []

    def view(request):
        calls.append(1)
        Person.objects.create(owner=owner, name=f"Written {len(calls)}")
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        middleware.process_view(RequestFactory().post("/x/"), view, (), {})
    assert len(calls) == 1
    assert list(Person.objects.filter(owner=owner, is_me=False).values_list("name", flat=True)) == [
        "Written 1"
    ]


def test_other_database_errors_are_not_retried(middleware):
    calls = []

    def view(request):
        calls.append(1)
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError, match="no such table"):
        middleware.process_view(RequestFactory().get("/x/"), view, (), {})
    assert len(calls) == 1
