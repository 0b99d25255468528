"""The web shell, for three visitors: the owner, another user and an anonymous visitor."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodwill.activity.models import Interaction
from goodwill.activity.services import log_interaction, record_favour, record_overture
from goodwill.people.models import Identity, Person
from goodwill.people.services import create_person, ensure_me, state_tie
from goodwill.web.views import person as person_views

pytestmark = pytest.mark.django_db

WEB = Path(__file__).resolve().parents[1] / "src" / "goodwill" / "web"
HTMX = {"HTTP_HX_REQUEST": "true"}


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def ann(owner):
    person = create_person(
        owner,
        "Ann Lee",
        identities=[("email", "Ann.Lee@Example.com"), ("x", "@annlee")],
        tags=["editor", "friend"],
        organisation="Bright Books",
        position="Editor",
        location="Leeds",
        how_we_met="Book fair in Frankfurt",
        notes="Loves crime fiction.",
    )
    bob = create_person(owner, "Bob Marsh", organisation="Marsh & Co")
    state_tie(owner, person, bob)
    log_interaction(owner, "call", [person], when=days_ago(3), subject="Catch-up on the launch")
    log_interaction(owner, "met", [person, bob], when=days_ago(40), subject="Lunch at the fair")
    record_favour(owner, "received", person, "Proofread my first chapter")
    record_overture(owner, person, channel="email", approach="Asked about the anthology")
    return person


@pytest.fixture
def network(owner):
    """Enough people, identities, tags, ties and interactions to show up N+1 queries."""
    people = [
        create_person(
            owner,
            f"Person {i:03d}",
            identities=[("email", f"p{i}@example.org"), ("x", f"p{i}handle")],
            tags=["club", f"group{i % 3}"],
            organisation="Acme Ltd",
        )
        for i in range(70)
    ]
    hub = people[0]
    for other in people[1:]:
        state_tie(owner, hub, other)
    for i, person in enumerate(people):
        log_interaction(owner, "message", [hub, person] if i else [hub], when=days_ago(i + 1))
    return people


def body(response) -> str:
    return response.content.decode()


# --- anonymous visitors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("people", {}),
        ("person_add", {}),
        ("log", {}),
        ("me", {}),
        ("person", {"person_id": 1}),
        ("person_timeline", {"person_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(anon, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = anon.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_cannot_post_a_log(anon, ann):
    url = reverse("person_log", kwargs={"person_id": ann.id})
    response = anon.post(url, {"kind": "call", "day": "2024-01-01", "direction": "both"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Interaction.objects.count() == 2


def test_login_page_has_labelled_fields(anon):
    response = anon.get(reverse("login"))
    html = body(response)
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'href="#main"' in html
    assert "<main" in html
    assert "<header" in html
    assert "<footer" in html


def test_login_and_logout_through_the_forms(owner):
    browser = Client(enforce_csrf_checks=False)
    response = browser.post(
        reverse("login"), {"username": "owner", "password": "pw-owner-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Log out" in body(response)
    assert browser.get(reverse("logout")).status_code == 405
    response = browser.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert browser.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error(anon, owner):
    response = anon.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in body(response)


# --- layout -------------------------------------------------------------------------------


def test_layout_nav_and_local_htmx(owner_client, owner):
    html = body(owner_client.get(reverse("home")))
    for link in ("Home", "People", "Add person", "API docs", "Log out"):
        assert link in html
    assert 'href="/api/docs"' in html
    assert "owner" in html
    assert re.search(r'<form method="post" action="/logout/">\s*<input type="hidden"', html)
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer>' in html
    assert '"X-CSRFToken": "' in html
    assert "/admin/" not in html


def test_staff_see_the_admin_link(owner_client, owner):
    owner.is_staff = True
    owner.save()
    assert 'href="/admin/"' in body(owner_client.get(reverse("home")))


def test_no_template_or_stylesheet_loads_from_another_host():
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")
    files = [*WEB.glob("templates/**/*.html"), *WEB.glob("static/**/*.css")]
    assert files
    offenders = [str(f) for f in files if remote.search(f.read_text())]
    assert offenders == []


def test_every_asset_on_a_page_is_local(owner_client, ann):
    html = body(owner_client.get(reverse("person", kwargs={"person_id": ann.id})))
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(a.startswith("/static/") for a in assets), assets


def test_custom_404_extends_the_layout(owner_client):
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    html = body(response)
    assert "Page not found" in html
    assert 'class="site-header"' in html


def test_500_template_renders_without_a_request():
    html = get_template("500.html").render()
    assert "Something went wrong" in html
    assert 'class="site-header"' in html


# --- home ---------------------------------------------------------------------------------


def test_home_shows_counts_and_recent(owner_client, ann):
    response = owner_client.get(reverse("home"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts == {"people": 2, "ties": 1, "recent_interactions": 1}
    html = body(response)
    assert "Catch-up on the launch" in html
    assert "Lunch at the fair" in html
    assert f'href="{reverse("person", kwargs={"person_id": ann.id})}"' in html
    # Losing touch: see tests/test_web_directory.py, with and without the practice panel.


def test_home_of_another_user_shows_none_of_the_owners_people(other_client, ann):
    response = other_client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["counts"] == {"people": 0, "ties": 0, "recent_interactions": 0}
    assert "Ann Lee" not in body(response)


# --- people list --------------------------------------------------------------------------


def test_people_list_shows_rows(owner_client, owner, ann):
    ensure_me(owner)
    response = owner_client.get(reverse("people"))
    html = body(response)
    assert response.status_code == 200
    assert "Ann Lee" in html
    assert "Bob Marsh" in html
    assert "Editor, Bright Books" in html
    assert "ann.lee@example.com" not in html  # the address as typed is shown
    assert "Ann.Lee@Example.com" in html
    assert '<li class="tag">editor</li>' in html
    assert "3\xa0days ago" in html or "3 days ago" in html
    names = [p.name for p in response.context["page"].object_list]
    assert owner.username not in names  # me is not in the list


def test_people_list_of_another_user_is_their_own(other_client, other_user, ann):
    create_person(other_user, "Zed Other")
    html = body(other_client.get(reverse("people")))
    assert "Zed Other" in html
    assert "Ann Lee" not in html
    assert "Bob Marsh" not in html


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ann", ["Ann Lee"]),
        ("bright", ["Ann Lee"]),
        ("annlee", ["Ann Lee"]),
        ("marsh", ["Bob Marsh"]),
    ],
)
def test_search(owner_client, ann, query, found):
    response = owner_client.get(reverse("people"), {"q": query})
    assert [p.name for p in response.context["page"].object_list] == found


def test_tag_filter(owner_client, ann):
    response = owner_client.get(reverse("people"), {"tag": "editor"})
    assert [p.name for p in response.context["page"].object_list] == ["Ann Lee"]
    assert '<option value="editor" selected>' in body(response)


def test_search_partial_for_htmx(owner_client, ann):
    response = owner_client.get(reverse("people"), {"q": "ann"}, **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert "<header" not in html
    assert 'class="list-table"' in html
    assert "Ann Lee" in html
    assert "Bob Marsh" not in html
    assert 'id="result-count"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_full_page_for_history_restore(owner_client, ann):
    response = owner_client.get(reverse("people"), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in body(response)


def test_paging_keeps_the_query(owner_client, network):
    first = owner_client.get(reverse("people"), {"q": "acme"})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages == 2
    assert "?q=acme&amp;page=2" in body(first)
    second = owner_client.get(reverse("people"), {"q": "acme", "page": 2})
    assert len(second.context["page"].object_list) == 20
    assert "Person 069" in body(second)
    beyond = owner_client.get(reverse("people"), {"q": "acme", "page": 99})
    assert beyond.context["page"].number == 2


def test_people_list_queries_are_bounded(owner_client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("people"))
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(8):
        owner_client.get(reverse("people"), {"q": "acme", "tag": "club"}, **HTMX)


# --- person page --------------------------------------------------------------------------


def person_url(person: Person, name: str = "person") -> str:
    return reverse(name, kwargs={"person_id": person.id})


def test_person_page_shows_everything(owner_client, ann):
    response = owner_client.get(person_url(ann))
    html = body(response)
    assert response.status_code == 200
    for text in (
        "Ann Lee",
        "Editor",
        "Bright Books",
        "Leeds",
        "Book fair in Frankfurt",
        "Loves crime fiction.",
        "friend",
        "Ann.Lee@Example.com",
        'href="mailto:ann.lee@example.com"',
        "Bob Marsh",
        "Knows (stated)",
        "stated by you",
        "Catch-up on the launch",
        "Lunch at the fair",
        "Proofread my first chapter",
        "Not thanked yet",
        "Asked about the anthology",
        "No answer yet",
        "Log an interaction",
    ):
        assert text in html, text
    assert html.index("Catch-up on the launch") < html.index("Lunch at the fair")


def test_person_of_another_user_is_404(other_client, ann):
    assert other_client.get(person_url(ann)).status_code == 404
    assert other_client.get(person_url(ann, "person_timeline")).status_code == 404


def test_me_is_viewable(owner_client, owner):
    response = owner_client.get(reverse("me"), follow=True)
    me = Person.objects.get(owner=owner, is_me=True)
    assert response.redirect_chain[-1][0] == person_url(me)
    html = body(response)
    assert ">Me</span>" in html
    assert 'id="log-form"' not in html


def test_timeline_loads_more(owner_client, owner, ann):
    for day in range(25):
        log_interaction(owner, "email", [ann], when=days_ago(100 + day), subject=f"Mail {day}")
    page = body(owner_client.get(person_url(ann)))
    assert page.count('class="entry"') == 20
    more_url = f"{person_url(ann, 'person_timeline')}?page=2"
    assert f'hx-get="{more_url}"' in page
    fragment = owner_client.get(more_url, **HTMX)
    html = body(fragment)
    assert "<html" not in html
    assert html.count('class="entry"') == 7
    assert "Mail 24" in html
    assert "load-more" not in html
    full = owner_client.get(more_url)
    assert "<html" in body(full)
    assert "Mail 24" in body(full)


def test_ties_are_capped_with_a_count_of_the_rest(owner_client, network, monkeypatch):
    response = owner_client.get(person_url(network[0]))
    assert len(response.context["ties"]) == 69
    assert response.context["ties_more"] == 0
    monkeypatch.setattr(person_views, "TIES_SHOWN", 10)
    response = owner_client.get(person_url(network[0]))
    assert len(response.context["ties"]) == 10
    assert "and 59 more not shown" in body(response)
    assert 'Ties <span class="count">69</span>' in body(response)


def test_person_page_queries_are_bounded(owner_client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = owner_client.get(person_url(network[0]))
    assert response.context["timeline"].paginator.count == 70


# --- logging an interaction on the person page ----------------------------------------------


def log_data(**extra) -> dict:
    data = {
        "kind": "call",
        "channel": "",
        "day": timezone.localdate().isoformat(),
        "direction": "out",
        "subject": "Talked about the book tour",
        "note": "She will ask her publisher.",
    }
    data.update(extra)
    return data


def test_log_without_javascript_redirects_to_the_timeline(owner_client, ann):
    response = owner_client.post(person_url(ann, "person_log"), log_data())
    assert response.status_code == 302
    assert response["Location"] == person_url(ann) + "#timeline"
    html = body(owner_client.get(person_url(ann)))
    assert html.index("Talked about the book tour") < html.index("Catch-up on the launch")
    assert "Logged: Call with Ann Lee." in html
    logged = Interaction.objects.get(subject="Talked about the book tour")
    assert (logged.channel, logged.direction) == ("phone", "out")


def test_log_with_htmx_swaps_form_and_timeline(owner_client, ann):
    response = owner_client.post(person_url(ann, "person_log"), log_data(), **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="log-form"')
    assert '<section id="timeline"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Talked about the book tour" in html
    assert 'role="status"' in html
    assert 'value="Talked about the book tour"' not in html  # a fresh form


def test_log_a_past_day(owner_client, ann):
    owner_client.post(person_url(ann, "person_log"), log_data(day="2023-05-04"))
    logged = Interaction.objects.get(subject="Talked about the book tour")
    assert timezone.localtime(logged.occurred_at).date() == dt.date(2023, 5, 4)


def test_log_errors_are_shown_next_to_the_field(owner_client, ann):
    bad = log_data(kind="telepathy", day="not a date")
    response = owner_client.post(person_url(ann, "person_log"), bad, **HTMX)
    html = body(response)
    assert 'aria-invalid="true"' in html
    assert 'id="id_kind_error"' in html
    assert 'aria-describedby="id_kind_error"' in html
    assert 'id="id_day_error"' in html
    assert '<section id="timeline"' not in html
    response = owner_client.post(person_url(ann, "person_log"), bad)
    assert response.status_code == 200
    assert "<html" in body(response)
    assert 'id="id_kind_error"' in body(response)
    future = log_data(day=(timezone.localdate() + dt.timedelta(days=5)).isoformat())
    assert "in the future" in body(owner_client.post(person_url(ann, "person_log"), future))
    assert Interaction.objects.count() == 2


def test_log_for_another_users_person_is_404(other_client, ann):
    assert other_client.post(person_url(ann, "person_log"), log_data()).status_code == 404
    assert Interaction.objects.count() == 2


def test_log_is_post_only_and_csrf_protected(owner, ann):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.get(person_url(ann, "person_log")).status_code == 405
    assert strict.post(person_url(ann, "person_log"), log_data()).status_code == 403
    assert Interaction.objects.count() == 2


# --- add person ---------------------------------------------------------------------------


def test_add_person_form_is_labelled(owner_client):
    html = body(owner_client.get(reverse("person_add")))
    for field in ("name", "organisation", "email", "phone", "x_handle", "linkedin", "website"):
        assert f'<label for="id_{field}">' in html
    assert 'aria-describedby="id_tags_helptext"' in html


def test_add_person(owner_client, owner):
    response = owner_client.post(
        reverse("person_add"),
        {
            "name": "  Cara   Diaz ",
            "organisation": "Diaz Design",
            "tags": "Designer, friend , ",
            "email": "Cara@Diaz.example",
            "phone": "+44 20 7946 0958",
            "x_handle": "@CaraD",
            "linkedin": "linkedin.com/in/CaraDiaz",
            "website": "www.diaz.example",
        },
    )
    cara = Person.objects.get(owner=owner, name="Cara Diaz")
    assert response.status_code == 302
    assert response["Location"] == person_url(cara)
    assert sorted(cara.identities.values_list("channel", "value")) == [
        ("email", "cara@diaz.example"),
        ("linkedin", "https://www.linkedin.com/in/caradiaz"),
        ("phone", "+442079460958"),
        ("website", "diaz.example"),
        ("x", "carad"),
    ]
    assert sorted(t.name for t in cara.tags.all()) == ["designer", "friend"]
    assert cara.organisation == "Diaz Design"


def test_add_person_rejects_a_bad_email(owner_client, owner):
    response = owner_client.post(reverse("person_add"), {"name": "Dan", "email": "dan-at-home"})
    html = body(response)
    assert response.status_code == 200
    assert 'id="id_email_error"' in html
    assert "Not an e-mail address" in html
    assert re.search(r'<input[^>]+aria-invalid="true"[^>]+id="id_email"', html)
    assert 'role="alert"' in html
    assert not Person.objects.filter(owner=owner, name="Dan").exists()


def test_add_person_needs_a_name(owner_client):
    html = body(owner_client.post(reverse("person_add"), {"name": "  "}))
    assert 'id="id_name_error"' in html


def test_add_person_shows_a_duplicate_email(owner_client, owner, ann):
    response = owner_client.post(
        reverse("person_add"), {"name": "Ann Again", "email": "ANN.LEE@example.com"}
    )
    html = body(response)
    assert "ann.lee@example.com already belongs to Ann Lee" in html
    assert 'id="id_email_error"' in html
    assert not Person.objects.filter(owner=owner, name="Ann Again").exists()


def test_another_users_email_is_no_clash_and_never_shown(other_client, other_user, ann):
    response = other_client.post(
        reverse("person_add"), {"name": "Ann (mine)", "email": "ann.lee@example.com"}
    )
    assert response.status_code == 302
    assert Identity.objects.filter(owner=other_user, value="ann.lee@example.com").exists()


# --- standalone log -----------------------------------------------------------------------


def test_standalone_log_resolves_a_name(owner_client, ann):
    response = owner_client.post(reverse("log"), {**log_data(), "who": "ann lee"})
    assert response.status_code == 302
    assert response["Location"] == person_url(ann)
    assert ann.interactions.filter(subject="Talked about the book tour").exists()


def test_standalone_log_prefills_and_labels(owner_client):
    html = body(owner_client.get(reverse("log"), {"who": "#7"}))
    assert '<label for="id_who">' in html
    assert 'value="#7"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_standalone_log_shows_ambiguity(owner_client, owner, ann):
    create_person(owner, "Ann Other")
    html = body(owner_client.post(reverse("log"), {**log_data(), "who": "ann"}))
    assert 'id="id_who_error"' in html
    assert "matches several people" in html
    assert "#" in html
    assert "name one as #ID" in html


def test_standalone_log_cannot_reach_another_users_people(other_client, ann):
    response = other_client.post(reverse("log"), {**log_data(), "who": "Ann Lee"})
    assert 'id="id_who_error"' in body(response)
    response = other_client.post(reverse("log"), {**log_data(), "who": f"#{ann.id}"})
    assert "no person" in body(response)
    assert Interaction.objects.count() == 2


def test_standalone_log_refuses_me(owner_client):
    html = body(owner_client.post(reverse("log"), {**log_data(), "who": "me"}))
    assert "someone other than yourself" in html
