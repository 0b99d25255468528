"""Channel return: rules, advice, and the figures on the demo network."""

from __future__ import annotations

import doctest

import pytest

from goodwill.errors import UsageError
from goodwill.insights import roi
from goodwill.insights.roi import ChannelFigures, Profile, advice, parse_rule


def test_doctests():
    assert doctest.testmod(roi).failed == 0


def test_rules_match_tags_and_fields():
    rule = parse_rule("tag:book-world OR interest:Reading OR position~editor AND location~leeds")
    assert rule.matches(Profile(tags=frozenset({("interest", "reading")})))
    assert rule.matches(Profile(position="senior editor", location="leeds"))
    assert not rule.matches(Profile(position="senior editor", location="york"))
    assert not rule.matches(Profile(tags=frozenset({("tag", "reading")})))
    assert parse_rule("").empty
    assert not parse_rule("").matches(Profile())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour:red", "unknown tag kind"),
        ("height~2", "unknown field"),
        ("book world", "cannot read"),
    ],
)
def test_bad_rules_are_one_clear_error(text, message):
    with pytest.raises(UsageError, match=message):
        parse_rule(text)


def figures(name, hours, value, two_way=10, people=50, target=5):
    return ChannelFigures(name.lower(), name, hours, people, target, two_way, 1, 0, value)


def test_advice_names_where_the_hours_go_without_return():
    lines = advice([figures("X", 300, 100), figures("Club", 100, 3000), figures("Mail", 50, 400)])
    assert lines[0] == "X takes 67% of your hours for 3% of the return."
    assert lines[1] == "Focus on Club: 30 per hour from 10 two-way conversations."


def test_advice_when_spread_thin_and_when_a_channel_has_nobody():
    many = [figures(f"C{i}", 50, 100 * i) for i in range(1, 6)]
    many.append(figures("Empty", 40, 0, two_way=0, target=0))
    lines = advice(many)
    assert "You are spread over 6 channels; fewer, deeper ones usually bring more." in lines
    assert "None of your target market is on Empty yet." in lines
    assert advice([]) == ["Record the hours you spend on each channel to see where your time pays."]


@pytest.mark.django_db
def test_demo_channel_return(demo_owner, django_assert_max_num_queries):
    import datetime as dt

    from goodwill.practice.channels import channel_return

    moment = dt.datetime(2026, 3, 1, 23, tzinfo=dt.UTC)
    with django_assert_max_num_queries(10):
        found = channel_return(demo_owner, as_of=moment)
    by_key = {c["key"]: c for c in found["channels"]}
    assert len(by_key) == 7
    x, club = by_key["x"], by_key["in_person"]
    assert x["hours"] == 260.0
    assert club["hours"] == 130.0
    assert by_key["mastodon"]["hours"] == 24.0
    assert not by_key["mastodon"]["active"]
    # The demo's story: X takes the most hours and brings least per hour; the club pays.
    assert club["value_per_hour"] > x["value_per_hour"]
    assert x["people"] > club["people"] > 0
    assert 0 < x["target_people"] < x["people"]
    assert sum(c["outcomes"] for c in found["channels"]) > 0
    assert any(line.startswith("Focus on ") for line in found["advice"])
    assert found["channels"] == sorted(
        found["channels"], key=lambda c: (-c["value_per_hour"], c["name"])
    )


@pytest.mark.django_db
def test_remembered_figures_follow_every_change(owner):
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from goodwill.activity.models import Channel, Outcome
    from goodwill.practice.channels import channel_return

    talk = Channel.objects.create(owner=owner, key="in_person", name="Talks", hours=2)
    first = channel_return(owner)
    assert first["channels"][0]["value"] == 0
    assert channel_return(owner) == first  # remembered
    won = Outcome.objects.create(
        owner=owner, title="Workshop", value=Decimal("300"), occurred_on=timezone.localdate()
    )
    won.channels.add(talk)
    assert channel_return(owner)["channels"][0]["value"] == 300
    Channel.objects.filter(pk=talk.pk).update(hours=4)  # no timestamp moves
    assert channel_return(owner)["channels"][0]["hours"] == pytest.approx(
        channel_return(owner, as_of=timezone.now() + dt.timedelta(seconds=1))["channels"][0][
            "hours"
        ]
    )
    assert channel_return(owner)["channels"][0]["hours"] != first["channels"][0]["hours"]
