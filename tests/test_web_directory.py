"""The people directory's filters, the dashboard and person page panels, and the navigation.

Pages that other areas provide are optional: the nav, the dashboard and the person page link to
or load them only when their URL name resolves. The tests swap in two URL configurations, one
without any of those pages and one with a stand-in for each, so both cases stay covered
whatever the other areas have built so far.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import clear_url_caches, path, reverse, set_urlconf
from django.utils import timezone

from goodwill.activity.services import log_interaction
from goodwill.graph.strength import prior_strength
from goodwill.imports.models import ImportRun
from goodwill.people.models import Identity, Person, Tie
from goodwill.people.services import create_person, ensure_me, state_tie
from goodwill.practice.models import StrengthOverride
from goodwill.web import urls as web_urls
from goodwill.web import urls_graph, urls_insights, urls_practice
from goodwill.web.templatetags.goodwill_web import MORE_NAV, PRIMARY_NAV

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

# Every optional page the nav, the dashboard or the person page may point to.
OPTIONAL_PAGES = {
    "map": "map/",
    "intro": "intro/",
    "reach": "reach/",
    "suggest": "suggest/",
    "introduce": "introduce/",
    "check_post": "check-post/",
    "channels": "channels/",
    "tend": "tend/",
    "ledger": "ledger/",
    "overtures": "overtures/",
    "referrals": "referrals/",
    "next_actions": "next/",
    "reminders": "reminders/",
    "home_next_panel": "panels/next/",
    "home_losing_touch_panel": "panels/losing-touch/",
    "home_thanks_panel": "panels/thanks/",
    "workspaces": "groups/",
}
PERSON_PANELS = {
    "person_graph_panel": "network/",
    "person_strength_panel": "strength/",
    "person_practice_panel": "practice/",
}


def stand_in(request, **kwargs) -> HttpResponse:
    return HttpResponse("<section class='card'><h2>Stand-in</h2></section>")


def core_web_patterns() -> list:
    areas = {*urls_graph.urlpatterns, *urls_insights.urlpatterns, *urls_practice.urlpatterns}
    return [p for p in web_urls.urlpatterns if p not in areas]


class BareURLs:
    """The core pages only: none of the other areas' pages exist."""

    urlpatterns = core_web_patterns()


class FullURLs:
    """The core pages plus a stand-in for every optional page and panel."""

    urlpatterns = [
        *core_web_patterns(),
        *(path(route, stand_in, name=name) for name, route in OPTIONAL_PAGES.items()),
        *(
            path(f"people/<int:person_id>/{route}", stand_in, name=name)
            for name, route in PERSON_PANELS.items()
        ),
    ]


def use_urls(settings, conf: type) -> None:
    settings.ROOT_URLCONF = conf
    clear_url_caches()
    set_urlconf(None)


@pytest.fixture
def bare_urls(settings):
    use_urls(settings, BareURLs)
    yield
    clear_url_caches()


@pytest.fixture
def full_urls(settings):
    use_urls(settings, FullURLs)
    yield
    clear_url_caches()


def ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


@pytest.fixture
def circle(owner):
    """Me and seven people: ties of several kinds, identities on several channels, contacts
    at known ages, and one strength the user set by hand."""
    me = ensure_me(owner)
    people = {}
    specs = [
        ("Ada Partner", "partner", [("email", "ada@example.org")], 5),
        ("Ben Coworker", "coworker", [("linkedin", "https://www.linkedin.com/in/benc")], 60),
        ("Cy Follow", "follow", [("x", "cyfollow")], 200),
        ("Di Nobody", None, [("phone", "+44 20 7946 0958")], 400),
        ("Ed Never", "connection", [("email", "ed@example.org")], None),
        ("Flo Override", "connection", [], 20),
    ]
    for name, kind, identities, days in specs:
        person = create_person(owner, name, identities=identities)
        people[name.split()[0]] = person
        if kind:
            state_tie(owner, me, person, kind)
        if days is not None:
            log_interaction(owner, "call", [person], when=ago(days))
    # Only the numeric X account id: the X filter still finds her.
    gil = create_person(owner, "Gil Seen")
    Identity.objects.create(owner=owner, person=gil, channel="x_id", value="12345")
    a, b = sorted((me.id, gil.id))
    Tie.objects.create(owner=owner, a_id=a, b_id=b, kind="cooccurrence", weight=6.0)
    people["Gil"] = gil
    # A scored tie outranks the kind's prior; the user's own value outranks both.
    Tie.objects.filter(owner=owner, kind="coworker").update(strength=0.9)
    StrengthOverride.objects.create(owner=owner, person=people["Flo"], value=0.1)
    return people


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("email", ["Ada Partner", "Ed Never"]),
        ("linkedin", ["Ben Coworker"]),
        ("x", ["Cy Follow", "Gil Seen"]),
        ("phone", ["Di Nobody"]),
        ("bluesky", []),
    ],
)
def test_channel_filter(owner_client, circle, channel, expected):
    response = owner_client.get(reverse("people"), {"channel": channel})
    assert names(response) == expected


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("strong", ["Ada Partner", "Ben Coworker", "Gil Seen"]),
        ("medium", ["Ed Never"]),
        ("weak", ["Cy Follow", "Flo Override"]),
        ("none", ["Di Nobody"]),
    ],
)
def test_strength_band_filter(owner_client, circle, band, expected):
    response = owner_client.get(reverse("people"), {"strength": band})
    assert names(response) == expected


def test_strength_is_override_else_score_else_prior(owner_client, circle):
    response = owner_client.get(reverse("people"))
    strengths = {p.name: p.strength for p in response.context["page"].object_list}
    assert strengths["Ada Partner"] == pytest.approx(prior_strength("partner", 1.0))
    assert strengths["Ben Coworker"] == pytest.approx(0.9)
    assert strengths["Cy Follow"] == pytest.approx(prior_strength("follow", 1.0))
    assert strengths["Gil Seen"] == pytest.approx(1 - math.exp(-2))
    assert strengths["Gil Seen"] == pytest.approx(prior_strength("cooccurrence", 6.0))
    assert strengths["Flo Override"] == pytest.approx(0.1)
    assert strengths["Di Nobody"] is None
    html = response.content.decode()
    assert '<span class="strength strength-strong">Strong</span>' in html
    assert "no tie" in html


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        ("30", ["Ada Partner", "Flo Override"]),
        ("90", ["Ada Partner", "Ben Coworker", "Flo Override"]),
        ("365", ["Ada Partner", "Ben Coworker", "Cy Follow", "Flo Override"]),
        ("over_year", ["Di Nobody"]),
        ("never", ["Ed Never", "Gil Seen"]),
    ],
)
def test_last_contact_filter(owner_client, circle, contact, expected):
    response = owner_client.get(reverse("people"), {"contact": contact})
    assert names(response) == expected


def test_name_order_ignores_case(owner_client, circle, owner):
    create_person(owner, "bea lowercase")
    response = owner_client.get(reverse("people"), {"sort": "name"})
    assert names(response)[:3] == ["Ada Partner", "bea lowercase", "Ben Coworker"]


def test_sort_by_last_contact_puts_never_last(owner_client, circle):
    response = owner_client.get(reverse("people"), {"sort": "recent"})
    assert names(response) == [
        "Ada Partner",
        "Flo Override",
        "Ben Coworker",
        "Cy Follow",
        "Di Nobody",
        "Ed Never",
        "Gil Seen",
    ]


def test_sort_by_strength_puts_no_tie_last(owner_client, circle):
    response = owner_client.get(reverse("people"), {"sort": "strength"})
    assert names(response) == [
        "Ada Partner",  # 0.95
        "Ben Coworker",  # 0.9 scored
        "Gil Seen",  # 0.86 seen together six times
        "Ed Never",  # 0.45
        "Cy Follow",  # 0.2
        "Flo Override",  # 0.1 set by hand
        "Di Nobody",
    ]


def test_filters_combine_and_are_described(owner_client, circle):
    response = owner_client.get(
        reverse("people"), {"channel": "email", "contact": "30", "strength": "strong"}, **HTMX
    )
    assert names(response) == ["Ada Partner"]
    html = response.content.decode()
    assert "<html" not in html
    assert "1 person found" in html
    assert "on E-mail, strong, last contact: in the last 30 days" in html


def test_unknown_filter_values_are_ignored(owner_client, circle):
    response = owner_client.get(
        reverse("people"), {"channel": "fax", "strength": "huge", "sort": "shoe", "contact": "x"}
    )
    assert response.status_code == 200
    assert len(names(response)) == 7
    assert names(response) == sorted(names(response), key=str.casefold)


def test_filter_form_is_labelled_and_keeps_the_choice(owner_client, circle):
    html = owner_client.get(reverse("people"), {"strength": "weak"}).content.decode()
    for field, label in [
        ("channel", "Channel"),
        ("strength", "Strength"),
        ("contact", "Last contact"),
        ("sort", "Sort by"),
    ]:
        assert f'<label for="id_{field}">{label}</label>' in html
        assert f'<select id="id_{field}" name="{field}"' in html
    assert '<option value="weak" selected>' in html


def test_paging_keeps_the_filters(owner_client, owner):
    ensure_me(owner)
    for i in range(55):
        create_person(owner, f"Mail {i:02d}", identities=[("email", f"m{i}@example.org")])
    response = owner_client.get(reverse("people"), {"channel": "email", "sort": "strength"})
    assert "?channel=email&amp;sort=strength&amp;page=2" in response.content.decode()
    second = owner_client.get(reverse("people"), {"channel": "email", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_another_user_filters_only_their_own(other_client, other_user, circle):
    create_person(other_user, "Zed Other", identities=[("email", "zed@example.org")])
    response = other_client.get(reverse("people"), {"channel": "email", "sort": "strength"})
    assert names(response) == ["Zed Other"]
    # My override of Flo and my ties never leak into another user's strengths.
    assert response.context["page"].object_list[0].strength is None


def test_anonymous_is_sent_to_login_with_the_filters(client):
    response = client.get(reverse("people"), {"channel": "email"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_filtered_directory_queries_are_bounded(
    owner_client, owner, circle, django_assert_max_num_queries
):
    me = Person.objects.get(owner=owner, is_me=True)
    for i in range(60):
        person = create_person(
            owner,
            f"Crowd {i:02d}",
            identities=[("email", f"c{i}@example.org"), ("x", f"crowd{i}")],
            tags=["club"],
        )
        state_tie(owner, me, person, "connection")
        log_interaction(owner, "message", [person], when=ago(i + 1))
    params = {"q": "crowd", "tag": "club", "channel": "x", "strength": "medium", "sort": "recent"}
    # Filtering or sorting by last contact adds one grouped query for everyone's.
    with django_assert_max_num_queries(9):
        response = owner_client.get(reverse("people"), params)
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(8):
        owner_client.get(reverse("people"), {"sort": "strength"}, **HTMX)


def test_demo_strengths_match_the_graph_prior(demo_client, demo_owner):
    """On the real demo network, the one-query SQL strength agrees with the Python prior."""
    me = Person.objects.get(owner=demo_owner, is_me=True)
    expected: dict[int, float] = {}
    for tie in Tie.objects.filter(owner=demo_owner).filter(a=me) | Tie.objects.filter(
        owner=demo_owner, b=me
    ):
        other = tie.b_id if tie.a_id == me.id else tie.a_id
        score = tie.strength if tie.strength is not None else prior_strength(tie.kind, tie.weight)
        expected[other] = max(expected.get(other, 0.0), score)
    for override in StrengthOverride.objects.filter(owner=demo_owner):
        expected[override.person_id] = override.value
    response = demo_client.get(reverse("people"), {"sort": "strength"})
    page = response.context["page"]
    assert page.paginator.count > 1000
    for person in page.object_list:
        assert person.strength == pytest.approx(expected[person.id], abs=1e-6), person.name
    shown = [p.strength for p in page.object_list]
    assert shown == sorted(shown, reverse=True)
    assert shown[0] == pytest.approx(max(expected.values()))


# --- navigation ---------------------------------------------------------------------------


def test_nav_skips_pages_that_do_not_exist(owner_client, bare_urls):
    html = owner_client.get(reverse("home")).content.decode()
    for label in ("Home", "People", "Add person", "Import", "Merges", "API docs"):
        assert f">{label}</a>" in html, label
    for label in ("Map", "Intros", "Reach", "Tend", "Ledger", "Groups", "Channels"):
        assert f">{label}</a>" not in html, label


def test_nav_holds_every_destination_when_they_exist(owner_client, full_urls):
    html = owner_client.get(reverse("home")).content.decode()
    for item in (*PRIMARY_NAV, *MORE_NAV):
        if item.staff_only:
            assert f">{item.label}</a>" not in html
        else:
            link = f'<a href="{item.url()}"( aria-current="page")?>{item.label}</a>'
            assert re.search(link, html), item.label
    primary, more = html.split('<details class="nav-more-menu">')
    assert ">Map</a>" in primary
    assert ">Channels</a>" in more


def test_nav_marks_the_current_page(owner_client, circle, full_urls):
    html = owner_client.get(reverse("people")).content.decode()
    assert '<a href="/people/" aria-current="page">People</a>' in html
    html = owner_client.get(reverse("person", args=[circle["Ada"].id])).content.decode()
    assert '<a href="/people/" aria-current="page">People</a>' in html
    html = owner_client.get(reverse("merges")).content.decode()
    assert '<summary class="has-current">More' in html
    assert 'aria-current="page">Merges</a>' in html


# --- the dashboard ------------------------------------------------------------------------


def test_dashboard_loads_the_practice_panels(owner_client, owner, full_urls):
    ensure_me(owner)
    response = owner_client.get(reverse("home"))
    html = response.content.decode()
    for name in ("home_next_panel", "home_losing_touch_panel", "home_thanks_panel"):
        assert f'hx-get="{reverse(name)}" hx-trigger="load"' in html
    # The practice area's own losing-touch panel replaces the simple list.
    assert response.context["losing_touch"] is None
    assert 'id="losing-heading"' not in html
    assert 'href="/intro/"><span class="shortcut-label">Find a warm path</span>' in html
    fragment = owner_client.get(reverse("home_next_panel"))
    assert "<html" not in fragment.content.decode()


def test_dashboard_without_the_panels_keeps_its_own_list(owner_client, owner, bare_urls):
    person = create_person(owner, "Old Friend")
    log_interaction(owner, "call", [person], when=ago(500))
    response = owner_client.get(reverse("home"))
    html = response.content.decode()
    assert 'hx-trigger="load"' not in html
    assert [p.name for p in response.context["losing_touch"]] == ["Old Friend"]
    assert 'id="losing-heading"' in html
    assert "Find a warm path" not in html
    assert 'href="/imports/"><span class="shortcut-label">Import a file</span>' in html


def test_dashboard_lists_recent_imports(owner_client, other_client, owner):
    run = ImportRun.objects.create(
        owner=owner, format="vcard", source="friends.vcf", status="applied", people_created=12
    )
    html = owner_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("import_run", args=[run.id])}">friends.vcf</a>' in html
    assert "Applied · 12 new, 0 updated, 0 ties" in html
    assert "friends.vcf" not in other_client.get(reverse("home")).content.decode()


def test_dashboard_queries_are_bounded(demo_client, full_urls, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = demo_client.get(reverse("home"))
    assert response.context["counts"]["people"] > 1000
    assert len(response.context["recent"]) == 10


# --- the person page ----------------------------------------------------------------------


def test_person_page_loads_the_panels_of_other_areas(owner_client, circle, full_urls):
    ada = circle["Ada"]
    html = owner_client.get(reverse("person", args=[ada.id])).content.decode()
    for name in PERSON_PANELS:
        url = reverse(name, args=[ada.id])
        assert f'hx-get="{url}" hx-trigger="load" hx-swap="outerHTML"' in html, name
    assert html.index("person_graph_panel") < html.index('id="timeline"')


def test_person_page_without_the_panels(owner_client, circle, bare_urls):
    html = owner_client.get(reverse("person", args=[circle["Ada"].id])).content.decode()
    assert "panel-slot" not in html
    assert "Ada Partner" in html


def test_my_own_page_has_no_panels(owner_client, owner, full_urls):
    me = ensure_me(owner)
    html = owner_client.get(reverse("person", args=[me.id])).content.decode()
    assert "panel-slot" not in html


def test_another_users_person_is_404_with_the_panels(other_client, circle, full_urls):
    assert other_client.get(reverse("person", args=[circle["Ada"].id])).status_code == 404


def test_anonymous_gets_no_person_page(circle, full_urls):
    response = Client().get(reverse("person", args=[circle["Ada"].id]))
    assert response.status_code == 302


# --- the Server-Timing header -------------------------------------------------------------


def test_server_timing_header_measures_the_response(rf):
    from goodwill.web.timing import ServerTimingMiddleware

    def slow_view(request):
        deadline = time.perf_counter() + 0.02
        while time.perf_counter() < deadline:
            pass
        return HttpResponse("ok")

    response = ServerTimingMiddleware(slow_view)(rf.get("/"))
    match = re.fullmatch(r"app;dur=([0-9]+\.[0-9])", response["Server-Timing"])
    assert match is not None
    assert float(match.group(1)) >= 20.0
