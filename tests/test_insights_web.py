"""Insights pages: strength panel, soft-sell check and channel return, for three visitors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodwill.activity.models import Post
from goodwill.activity.services import log_interaction
from goodwill.people.services import create_person, ensure_me
from goodwill.practice.models import StrengthOverride

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ann(owner):
    person = create_person(owner, "Ann Lee")
    log_interaction(owner, "meeting", [person], when=timezone.now() - timezone.timedelta(days=4))
    return person


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("name", ["check_post", "channels", "person_strength_panel"])
def test_anonymous_is_sent_to_login(name):
    url = reverse(name, kwargs={"person_id": 1} if name == "person_strength_panel" else {})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_strength_panel_for_the_owner(owner_client, ann, django_assert_max_num_queries):
    url = reverse("person_strength_panel", kwargs={"person_id": ann.id})
    with django_assert_max_num_queries(12):
        response = owner_client.get(url, **HTMX)
    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "1 meeting in the last year" in page
    assert f'<label for="strength-value-{ann.id}">' in page
    assert "<meter" in page


def test_strength_panel_override_and_clear(owner_client, ann):
    url = reverse("person_strength_panel", kwargs={"person_id": ann.id})
    page = html(owner_client.post(url, {"value": "0.8", "note": "my mentor"}, **HTMX))
    assert "set by you to 0.80 (my mentor)" in page
    assert StrengthOverride.objects.get(person=ann).value == 0.8
    page = html(owner_client.post(url, {"value": "7"}, **HTMX))
    assert "between 0 and 1" in page
    assert StrengthOverride.objects.get(person=ann).value == 0.8
    page = html(owner_client.post(url, {"clear": "1"}, **HTMX))
    assert "set by you" not in page
    assert not StrengthOverride.objects.exists()


def test_strength_panel_for_me_has_no_form(owner_client, owner):
    me = ensure_me(owner)
    page = html(owner_client.get(reverse("person_strength_panel", kwargs={"person_id": me.id})))
    assert "This is you" in page
    assert "<form" not in page


def test_strength_panel_of_another_users_person_is_404(other_client, ann):
    url = reverse("person_strength_panel", kwargs={"person_id": ann.id})
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, {"value": "0.1"}).status_code == 404
    assert not StrengthOverride.objects.exists()


def test_check_post_page_and_live_fragment(owner_client, owner, django_assert_max_num_queries):
    now = timezone.now()
    for i, text in enumerate(["Buy my book now! https://example.com", "Hello all", "Nice"]):
        Post.objects.create(
            owner=owner, channel="x", published_at=now, text=text, external_id=str(i)
        )
    with django_assert_max_num_queries(10):
        page = html(owner_client.get(reverse("check_post")))
    assert '<label for="draft-text">' in page
    assert "plotly.min.js" in page
    assert "X: 1 of 3 posts promotional (33%)" in page
    assert 'id="history-chart-data"' in page
    fragment = owner_client.post(
        reverse("check_post"), {"text": "DM me for 20% off my course"}, **HTMX
    )
    body = html(fragment)
    assert "<html" not in body
    assert "reads as promotional" in body
    assert "call to action" in body


def test_check_post_without_posts_loads_no_chart(other_client):
    page = html(other_client.get(reverse("check_post")))
    assert "No imported posts yet" in page
    assert "plotly.min.js" not in page


def test_channels_page_on_the_demo(demo_client, django_assert_max_num_queries):
    # Computing the figures, plus the stamps that tell whether remembered figures still hold;
    # a second visit with nothing changed reuses them.
    with django_assert_max_num_queries(24):
        demo_client.get(reverse("channels"))
    with django_assert_max_num_queries(14):
        response = demo_client.get(reverse("channels"))
    page = html(response)
    assert response.status_code == 200
    assert "Speaking club" in page
    assert 'id="roi-chart-data"' in page
    assert "plotly.min.js" in page
    assert '<th scope="col">Per hour</th>' in page


def test_channels_page_for_another_user_shows_only_theirs(other_client, demo_owner):
    page = html(other_client.get(reverse("channels")))
    assert "Speaking club" not in page
    assert "No channels yet" in page
