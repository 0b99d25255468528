"""The merge review page and its actions, for the owner, another user and an anonymous visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from goodwill.imports.merging import merge
from goodwill.imports.models import Merge, MergeDecision
from goodwill.people.models import Person
from goodwill.people.services import create_person

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def pair(owner):
    one = create_person(
        owner, "Sam Lee", identities=[("email", "sam@acme.example")], organisation="Acme"
    )
    two = create_person(owner, "Samuel Lee", identities=[("x", "@samlee")], organisation="Acme Ltd")
    return one, two


def page(client: Client) -> str:
    response = client.get(reverse("merges"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [
        ("merges", {}, "get"),
        ("merge_pair", {}, "post"),
        ("distinct_pair", {}, "post"),
        ("undo_merge", {"merge_id": 1}, "post"),
    ],
)
def test_anonymous_is_sent_to_login(anon, name, kwargs, method):
    url = reverse(name, kwargs=kwargs)
    response = getattr(anon, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_the_page_shows_candidates_side_by_side_with_reasons(owner_client, pair):
    one, _two = pair
    html = page(owner_client)
    assert "Samuel Lee" in html
    assert "both at Acme" in html
    assert "sam@acme.example" in html
    assert "Same person — merge" in html
    assert "Different people" in html
    assert 'aria-current="page"' in html
    assert f'name="a" value="{one.id}"' in html


def test_merging_by_htmx_swaps_the_review(owner_client, owner, pair):
    one, two = pair
    response = owner_client.post(reverse("merge_pair"), {"a": one.id, "b": two.id}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="merge-review">')
    assert "Merged Samuel Lee into Sam Lee." in html
    assert not Person.objects.filter(id=two.id).exists()
    done = Merge.objects.get(owner=owner)
    assert (done.reason, done.automatic) == ("reviewed by you", False)
    assert f"/merges/{done.id}/undo/" in html


def test_merging_without_htmx_redirects_with_a_message(owner_client, pair):
    one, two = pair
    response = owner_client.post(reverse("merge_pair"), {"a": one.id, "b": two.id})
    assert response.status_code == 302
    assert response["Location"] == reverse("merges")
    assert "Merged Samuel Lee into Sam Lee." in page(owner_client)


def test_different_people_are_not_suggested_again(owner_client, owner, pair):
    one, two = pair
    response = owner_client.post(reverse("distinct_pair"), {"a": two.id, "b": one.id}, **HTMX)
    assert "are different people" in response.content.decode()
    assert MergeDecision.objects.filter(owner=owner, a=one, b=two).exists()
    assert "Same person — merge" not in page(owner_client)


def test_undo_brings_the_person_back(owner_client, owner, pair):
    one, two = pair
    done = merge(owner, one, two, reason="reviewed by you")
    response = owner_client.post(reverse("undo_merge", args=[done.id]), **HTMX)
    assert "Undone: Samuel Lee" in response.content.decode()
    assert Person.objects.filter(id=two.id, name="Samuel Lee").exists()
    done.refresh_from_db()
    assert done.undone_at is not None


def test_an_undo_out_of_order_is_refused_with_a_message(owner_client, owner, pair):
    one, two = pair
    third = create_person(owner, "Cy Lee")
    first = merge(owner, one, two, reason="x")
    second = merge(owner, third, one, reason="y")
    response = owner_client.post(reverse("undo_merge", args=[first.id]), **HTMX)
    assert response.status_code == 200
    assert f"undo merge #{second.id} first" in response.content.decode()
    assert not Person.objects.filter(id=two.id).exists()


def test_another_user_cannot_touch_the_owners_people_or_merges(other_client, owner, pair):
    one, two = pair
    assert other_client.post(reverse("merge_pair"), {"a": one.id, "b": two.id}).status_code == 404
    assert (
        other_client.post(reverse("distinct_pair"), {"a": one.id, "b": two.id}).status_code == 404
    )
    assert Person.objects.filter(id=two.id).exists()
    done = merge(owner, one, two, reason="x")
    assert other_client.post(reverse("undo_merge", args=[done.id])).status_code == 404
    done.refresh_from_db()
    assert done.undone_at is None
    html = page(other_client)
    assert "Sam Lee" not in html
    assert "No merges yet." in html


def test_bad_requests(owner_client, pair):
    assert owner_client.get(reverse("merge_pair")).status_code == 405
    assert owner_client.post(reverse("merge_pair"), {"a": "x", "b": "1"}).status_code == 404
    assert owner_client.post(reverse("undo_merge", args=[999999])).status_code == 404
    one, _ = pair
    response = owner_client.post(reverse("merge_pair"), {"a": one.id, "b": one.id}, **HTMX)
    assert "cannot be merged with themselves" in response.content.decode()


def test_the_page_queries_are_bounded(owner_client, owner, django_assert_max_num_queries):
    def grow(start: int, count: int) -> None:
        for i in range(start, start + count):
            a = create_person(owner, f"Name{i} Person", organisation=f"Org {i}")
            b = create_person(owner, f"Name{i} Person", organisation=f"Org {i}")
            create_person(owner, f"Other{i} Person")
            merge(owner, a, create_person(owner, f"Gone{i}"), reason="x")
            assert b

    grow(0, 2)
    # 14 to compute, and 6 to tell whether the remembered candidate pairs are still good.
    with django_assert_max_num_queries(20) as few:
        page(owner_client)
    grow(2, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(owner_client)
    assert html.count("Same person — merge") == 14
