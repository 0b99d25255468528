"""The graph pages (map, intro finder, reach planner, suggestions) and the person panel.

Each is tested for the owner, another user and an anonymous visitor; exact figures come from
a small hand-made circle, scale and query counts from the seed-7 demo network.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from html import unescape
from types import SimpleNamespace

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodwill.activity.services import log_interaction
from goodwill.network import queries
from goodwill.network.snapshots import snapshot_for
from goodwill.people.models import Person
from goodwill.people.services import create_person, ensure_me, set_tags, state_tie

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Bounds on the SQL queries per page: the payloads fetch names and evidence in bulk, so these
# do not grow with the size of the network (the demo has ~1,700 people).
MAX_QUERIES = 16


@pytest.fixture
def circle(owner):
    """Me - Ann - Bob - Cy in a line, and Dee who knows Ann and me: every hop stated by me."""
    me = ensure_me(owner)
    ann = create_person(owner, "Ann Okafor", organisation="Bright Books")
    bob = create_person(owner, "Bob Lindqvist", position="Literary agent")
    cy = create_person(owner, "Cy Moreau", tags=["proofreader"])
    dee = create_person(owner, "Dee Tanaka", organisation="Northwind Press")
    for a, b in [(me, ann), (ann, bob), (bob, cy), (me, dee), (dee, ann)]:
        state_tie(owner, a, b)
    called = timezone.make_aware(dt.datetime(2026, 2, 3, 10, 0))
    log_interaction(owner, "call", [ann], when=called)
    return SimpleNamespace(me=me, ann=ann, bob=bob, cy=cy, dee=dee)


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The text a screen reader reads: tags and aria-hidden decorations dropped, whitespace
    folded (for phrase checks)."""
    html = re.sub(r'<span aria-hidden="true">[^<]*</span>', " ", html_of(response))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def person_id_at_hops(owner, hops: int) -> int:
    """A person exactly ``hops`` ties away from me in the owner's snapshot."""
    s = snapshot_for(owner)
    seen = {s.me}
    frontier = [s.me]
    for _ in range(hops):
        nxt = []
        for node in frontier:
            for other in s.neighbours(node).tolist():
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return int(s.ids[min(frontier)])


# -- who may see what -------------------------------------------------------------------------

PAGES = ["map", "map_data", "intro", "graph_people_options", "reach", "suggest", "introduce"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(name):
    url = reverse(name)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_panel_request_is_sent_to_login(circle):
    url = reverse("person_graph_panel", args=[circle.ann.id])
    response = Client().get(url, **HTMX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_users_person_panel_is_404(circle, other_client):
    response = other_client.get(reverse("person_graph_panel", args=[circle.ann.id]))
    assert response.status_code == 404


def test_another_user_cannot_look_up_my_people(circle, other_client):
    ref = f"#{circle.cy.id}"
    for url in [
        reverse("intro") + "?" + f"to=%23{circle.cy.id}",
        reverse("reach") + "?" + f"who=%23{circle.cy.id}",
        reverse("suggest") + "?" + f"for=%23{circle.cy.id}",
    ]:
        response = other_client.get(url)
        assert response.status_code == 404, url
        assert f"no person {ref}" in text_of(response)
        assert "Cy Moreau" not in html_of(response)
    options = other_client.get(reverse("graph_people_options"), {"to": "Okafor"})
    assert "Ann Okafor" not in html_of(options)


def test_another_users_map_holds_none_of_my_people(circle, other_client, owner_client):
    mine = json.loads(owner_client.get(reverse("map_data")).content)
    theirs = json.loads(other_client.get(reverse("map_data")).content)
    assert {circle.ann.id, circle.cy.id} <= set(mine["id"])
    assert not set(theirs["id"]) & set(mine["id"])
    assert "Ann Okafor" not in html_of(other_client.get(reverse("map")))


# -- the intro finder -------------------------------------------------------------------------


def test_intro_shows_the_chain_with_evidence_and_last_contact(circle, owner_client):
    response = owner_client.get(reverse("intro"), {"to": "Cy Moreau"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Warm paths from you to Cy Moreau" in text
    assert "Through Ann Okafor" in text
    assert "3 hops" in text
    # Each hop in order, each with the tie's evidence; the first hop with our last call.
    chain = text[text.index("Through Ann Okafor") :]
    hops = ["You knows Ann Okafor", "Ann Okafor knows Bob Lindqvist", "Bob Lindqvist knows Cy"]
    positions = [chain.index(hop) for hop in hops]
    assert positions == sorted(positions)
    assert chain.count("stated by you") >= 3
    assert "last contact 2026-02-03" in chain
    assert f'href="{reverse("person", args=[circle.bob.id])}"' in html_of(response)


def test_intro_to_a_need_finds_the_person_who_matches(circle, owner_client):
    response = owner_client.get(reverse("intro"), {"need": "proofreader"})
    text = text_of(response)
    assert "to someone for “proofreader”" in text
    assert "1 person matches “proofreader”" in text
    assert "Cy Moreau" in text


def test_intro_says_clearly_when_nobody_is_within_reach(circle, owner_client):
    response = owner_client.get(reverse("intro"), {"to": "Cy Moreau", "max_hops": "2"})
    assert response.status_code == 200
    assert "Nobody found within 2 hops." in text_of(response)
    unmatched = owner_client.get(reverse("intro"), {"need": "astronaut"})
    assert "No one in your network matches “astronaut”" in text_of(unmatched)


def test_intro_by_htmx_returns_only_the_results(circle, owner_client):
    response = owner_client.get(reverse("intro"), {"to": "Cy Moreau"}, **HTMX)
    assert response.status_code == 200
    body = html_of(response)
    assert "<html" not in body
    assert "<form" not in body
    assert "Through Ann Okafor" in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"to": "Cy Moreau", "k": "lots"}, 422, "Alternatives: Enter a whole number."),
        ({"to": "Cy Moreau", "max_hops": "9"}, 422, "less than or equal to 6"),
        ({"to": "Cy Moreau", "need": "agent"}, 422, "Ask for a person or for a need, not both."),
        ({"to": "", "need": ""}, 422, "Name a person, or describe a need."),
        ({"to": "Nobody Atall"}, 404, "no person matches 'Nobody Atall'"),
        ({"to": "#999999"}, 404, "no person #999999"),
        ({"to": "me"}, 422, "the path would start and end with the same person"),
    ],
)
def test_intro_bad_input_gets_one_clear_line(circle, owner_client, query, status, message):
    response = owner_client.get(reverse("intro"), query)
    assert response.status_code == status
    assert message in text_of(response)
    assert 'role="alert"' in html_of(response)
    # With htmx the message replaces the results (htmx swaps only 2xx answers).
    swapped = owner_client.get(reverse("intro"), query, **HTMX)
    assert swapped.status_code == 200
    assert message in text_of(swapped)


def test_intro_without_a_question_shows_the_empty_form(circle, owner_client):
    response = owner_client.get(reverse("intro"))
    assert response.status_code == 200
    html = html_of(response)
    assert '<label for="id_to">To whom</label>' in html
    assert '<label for="id_need">' in html
    assert '<label for="id_from">From</label>' in html
    assert 'role="alert"' not in html


def test_people_options_suggest_names_as_you_type(circle, owner_client):
    response = owner_client.get(reverse("graph_people_options"), {"to": "okaf"})
    assert html_of(response).count("<option") == 1
    assert '<option value="Ann Okafor">Ann Okafor · Bright Books</option>' in html_of(response)
    twins = create_person(circle.me.owner, "Ann Okafor", organisation="Elsewhere")
    response = owner_client.get(reverse("graph_people_options"), {"to": "Ann Okafor"})
    values = re.findall(r'<option value="([^"]+)"', html_of(response))
    assert values == [f"#{circle.ann.id}", f"#{twins.id}"]


# -- the reach planner ------------------------------------------------------------------------


def test_reach_counts_everyone_once_and_shows_what_each_adds(circle, owner_client):
    response = owner_client.get(reverse("reach"), {"who": "Ann Okafor\nDee Tanaka"})
    assert response.status_code == 200
    html = html_of(response)
    expected = queries.reach_payload(circle.me.owner, ["Ann Okafor", "Dee Tanaka"])
    # Ann knows me, Bob and Dee; Dee knows me and Ann: at 1 hop, 2 people (me and Bob) beyond
    # the sharers, at 2 hops Cy too.
    assert expected["reach"] == {"1": 2, "2": 3}
    rows = re.findall(r'<td data-label="Adds">(\d+)</td>', html)
    assert [int(r) for r in rows] == [s["adds"] for s in expected["sharers"]] == [3, 0]
    chart = json.loads(re.search(r'id="reach-chart-data"[^>]*>(.*?)</script>', html).group(1))
    assert chart == {"names": ["Ann Okafor", "Dee Tanaka"], "adds": [3, 0], "cumulative": [3, 3]}
    assert "plotly/plotly.min.js" in html


def test_reach_choose_for_me_fills_in_the_sharers(demo_client, demo_owner):
    chosen = queries.sharers_payload(demo_owner, k=3)
    response = demo_client.get(reverse("reach"), {"action": "choose", "k": "3"})
    assert response.status_code == 200
    html = html_of(response)
    for sharer in chosen["sharers"]:
        assert f"#{sharer['id']} {sharer['name']}" in html  # in the form, ready to edit
    rows = re.findall(r'<th scope="row"><a href="/people/(\d+)/">', html)
    assert [int(r) for r in rows] == [s["id"] for s in chosen["sharers"]]
    swapped = demo_client.get(reverse("reach"), {"action": "choose", "k": "3"}, **HTMX)
    assert 'hx-swap-oob="outerHTML:#id_who"' in html_of(swapped)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"who": "", "action": "plan"}, 422, "Name at least one person"),
        ({"who": "Nobody Atall"}, 404, "no person matches 'Nobody Atall'"),
        ({"who": "Ann Okafor", "hops": "5"}, 422, "Select a valid choice."),
        ({"action": "choose", "k": "99"}, 422, "How many to choose: Ensure this value"),
    ],
)
def test_reach_bad_input_gets_one_clear_line(circle, owner_client, query, status, message):
    response = owner_client.get(reverse("reach"), query)
    assert response.status_code == status
    assert message in text_of(response)


def test_sharer_lines_accept_ids_names_and_semicolons():
    from goodwill.web.views.graph import sharer_refs

    text = "#12 Ann Lee\n  Bob  ;ann@example.org\n\n#12"
    assert sharer_refs(text) == ["#12", "Bob", "ann@example.org"]


# -- suggestions and introductions ------------------------------------------------------------


def test_suggest_lists_friends_of_friends_with_reasons(circle, owner_client):
    response = owner_client.get(reverse("suggest"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Bob Lindqvist" in text  # a friend of Ann's I do not know yet
    assert "1 mutual friend including Ann Okafor" in text
    assert "Cy Moreau" not in text  # three hops away: nobody in common
    assert "you could meet" in text
    assert "Dee Tanaka" not in text.split("could meet", 1)[1]  # already known


def test_suggest_for_someone_else_and_bad_k(circle, owner_client):
    response = owner_client.get(reverse("suggest"), {"for": "Cy Moreau", "k": "5"})
    text = text_of(response)
    assert "Cy Moreau could meet" in text
    assert "Ann Okafor" in text  # through Bob
    bad = owner_client.get(reverse("suggest"), {"k": "0"})
    assert bad.status_code == 422
    assert "How many: Ensure this value is greater than or equal to 1." in text_of(bad)


def test_introduce_pairs_an_offer_with_a_need(circle, owner_client):
    set_tags(circle.dee, ["editing"], kind="offer")
    set_tags(circle.ann, ["editing"], kind="need")
    state_tie(circle.me.owner, circle.me, circle.cy)
    set_tags(circle.cy, ["editing"], kind="need")
    response = owner_client.get(reverse("introduce"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Dee Tanaka offers editing, which Cy Moreau needs" in text
    assert "You as a bridge" in text
    assert "effective size" in text
    assert "constraint" in text
    payload = queries.introduce_payload(circle.me.owner)
    assert f"{payload['brokerage']['degree']} people you know" in text


# -- the person panel -------------------------------------------------------------------------


def test_person_panel_shows_mutuals_and_the_warmest_way_in(circle, owner_client):
    response = owner_client.get(reverse("person_graph_panel", args=[circle.bob.id]), **HTMX)
    assert response.status_code == 200
    body = html_of(response)
    assert "<html" not in body
    text = text_of(response)
    assert "You and Bob Lindqvist both know 1 person" in text
    assert "Ann Okafor" in text
    assert "Warmest way in" in text
    assert "Through Ann Okafor" in text
    assert f'href="{reverse("intro")}?to=%23{circle.bob.id}"' in body


def test_person_panel_for_a_direct_friend_and_for_me(circle, owner_client):
    text = text_of(owner_client.get(reverse("person_graph_panel", args=[circle.ann.id])))
    assert "You know Ann Okafor directly." in text
    assert "both know 1 person" in text  # Dee
    mine = text_of(owner_client.get(reverse("person_graph_panel", args=[circle.me.id])))
    assert "You know 2 people directly." in mine


# -- the map ----------------------------------------------------------------------------------


def test_map_page_lists_the_groups_as_a_table(demo_client, demo_owner):
    response = demo_client.get(reverse("map"))
    assert response.status_code == 200
    html = html_of(response)
    payload = queries.map_payload(demo_owner)
    largest = max(payload["communities"], key=lambda c: c["size"])
    assert largest["label"] in html
    assert 'class="list-table community-table"' in html
    assert "plotly/plotly.min.js" in html
    assert "goodwill/map.js" in html
    assert f'data-url="{reverse("map_data")}"' in html
    # The text alternative names each big group's best connected people, linked.
    members = [n for n in payload["nodes"] if n["community"] == largest["id"]]
    hub = min(members, key=lambda n: (-n["degree"], n["name"]))
    assert f'href="/people/{hub["id"]}/"' in html


def test_map_data_is_compact_columns(demo_client, demo_owner):
    response = demo_client.get(reverse("map_data"))
    assert response.status_code == 200
    data = json.loads(response.content)
    payload = queries.map_payload(demo_owner)
    n = len(payload["nodes"])
    assert n > 1000
    for column in ("id", "name", "x", "y", "community", "degree", "strength"):
        assert len(data[column]) == n
    assert data["id"] == [node["id"] for node in payload["nodes"]]
    assert all(round(v, 3) == v for v in data["x"] + data["y"])
    edges = np.array(data["edges"])
    assert edges.shape == (len(payload["edges"]), 3)
    assert edges[:, :2].min() >= 0
    assert edges[:, :2].max() < n
    me = Person.objects.get(owner=demo_owner, is_me=True)
    assert data["id"][data["me"]] == me.id
    assert len({c["colour"] for c in data["communities"][:12]}) == min(12, len(data["communities"]))


def test_map_data_is_gzipped_when_the_browser_accepts_it(demo_client):
    plain = demo_client.get(reverse("map_data")).content
    zipped = demo_client.get(reverse("map_data"), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain
    assert len(zipped.content) < len(plain) / 2


# -- the demo network: every page answers within a bounded number of queries ------------------


def test_demo_pages_keep_their_query_counts_bounded(
    demo_client, demo_owner, django_assert_max_num_queries
):
    far = person_id_at_hops(demo_owner, 2)
    urls = [
        (reverse("map"), {}),
        (reverse("map_data"), {}),
        (reverse("intro"), {"to": f"#{far}"}),
        (reverse("intro"), {"need": "editor"}),
        (reverse("reach"), {"action": "choose", "k": "3"}),
        (reverse("suggest"), {}),
        (reverse("introduce"), {}),
        (reverse("person_graph_panel", args=[far]), {}),
        (reverse("graph_people_options"), {"to": "an"}),
    ]
    for url, query in urls:
        demo_client.get(url, query)  # warm the caches: the bound is for every later visit
        with django_assert_max_num_queries(MAX_QUERIES):
            response = demo_client.get(url, query)
        assert response.status_code == 200, url


def test_demo_intro_to_a_friend_of_a_friend(demo_client, demo_owner):
    far = person_id_at_hops(demo_owner, 2)
    response = demo_client.get(reverse("intro"), {"to": f"#{far}", "k": "3"})
    text = text_of(response)
    chains = re.findall(r"Through ([^\d]+?) 2 hops", text)
    assert 1 <= len(chains) <= 3
    assert len(set(chains)) == len(chains)  # each through a different first contact
    assert "last contact" in text
