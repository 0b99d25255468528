"""The graph in the web app: the network map, intro finder, reach planner and suggestions.

Thin views over the payload functions in ``goodwill.network.queries``: each page is a plain GET
form that works without JavaScript; with htmx only the results are swapped in place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page

from goodwill.errors import GoodwillError
from goodwill.network import queries
from goodwill.network.snapshots import snapshot_for
from goodwill.people import services as people
from goodwill.people.models import Person
from goodwill.web.views.common import owned_person, varies_on_htmx, wants_fragment

# Colour-blind-friendly categorical colours for the largest communities; the rest share grey.
PALETTE = [
    "#1f77b4",
    "#e6862a",
    "#2a9d4b",
    "#d1495b",
    "#8d6cc0",
    "#8c564b",
    "#d66fb5",
    "#17a2b8",
    "#b5a000",
    "#4e79a7",
    "#59a14f",
    "#af7aa1",
]
OTHER_COLOUR = "#9aa3a0"
TOP_PEOPLE_SHOWN = 5
OPTIONS_SHOWN = 8
MAX_SHARERS = 50
PANEL_MUTUALS_SHOWN = 10
PANEL_PATHS = 2
PANEL_MAX_HOPS = 4
_ID_PREFIX = re.compile(r"^(#\d+)\b")


# -- forms ----------------------------------------------------------------------------------


def _count_field(label: str, low: int, high: int, default: int, help_text: str = "") -> Any:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=False,
        initial=default,
        help_text=help_text,
        widget=forms.NumberInput(
            attrs={"min": low, "max": high, "inputmode": "numeric", "placeholder": default}
        ),
    )


def _person_field(label: str, help_text: str = "", **attrs: str) -> Any:
    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})
    return forms.CharField(
        label=label, max_length=200, required=False, help_text=help_text, widget=widget
    )


class IntroForm(forms.Form):
    to = _person_field("To whom", "A name, e-mail, handle or #id", list="people-options")
    need = forms.CharField(
        label="Or someone who can help with",
        max_length=200,
        required=False,
        help_text="A tag, organisation, position or words from notes, e.g. proofreader",
    )
    k = _count_field("Alternatives", 1, 10, 5, "Chains through different first contacts")
    max_hops = _count_field("At most this many hops", 1, 6, 4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the field is added by name.
        self.fields["from"] = _person_field("From", "Leave empty to start from you")
        self.order_fields(["to", "need", "from", "k", "max_hops"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        to, need = data.get("to", "").strip(), data.get("need", "").strip()
        if to and need:
            raise forms.ValidationError("Ask for a person or for a need, not both.")
        if not to and not need:
            raise forms.ValidationError("Name a person, or describe a need.")
        return data


class ReachForm(forms.Form):
    who = forms.CharField(
        label="Who would share it",
        max_length=4000,
        required=False,
        help_text="One person per line: a name, e-mail, handle or #id",
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
    hops = forms.TypedChoiceField(
        label="Count each sharer's audience up to",
        choices=[(2, "2 hops (friends of friends)"), (1, "1 hop (their friends)")],
        coerce=int,
        required=False,
        initial=2,
    )
    k = _count_field("How many to choose", 1, 10, 3, "For “Choose for me”")

    def wants_choice(self) -> bool:
        return self.data.get("action") == "choose"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.wants_choice():
            refs = sharer_refs(data.get("who", ""))
            if not refs:
                raise forms.ValidationError("Name at least one person, or press “Choose for me”.")
            if len(refs) > MAX_SHARERS:
                raise forms.ValidationError(f"Name at most {MAX_SHARERS} people.")
            data["refs"] = refs
        return data


class SuggestForm(forms.Form):
    k = _count_field("How many", 1, 50, 20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["for"] = _person_field(
            "People for", "Leave empty for yourself", list="people-options"
        )
        self.order_fields(["for", "k"])


class IntroduceForm(forms.Form):
    k = _count_field("How many", 1, 50, 20)


def sharer_refs(text: str) -> list[str]:
    """People named one per line (or separated by semicolons); "#12 Ann Lee" counts as #12."""
    refs = []
    for line in re.split(r"[\n;]", text or ""):
        line = line.strip()
        if not line:
            continue
        match = _ID_PREFIX.match(line)
        refs.append(match.group(1) if match else line)
    return list(dict.fromkeys(refs))


def _value(form: forms.Form, name: str) -> Any:
    """A cleaned value, or the field's default when left empty."""
    value = form.cleaned_data.get(name)
    if value in (None, ""):
        return form.fields[name].initial
    return value


def _text(form: forms.Form, name: str) -> str | None:
    return (form.cleaned_data.get(name) or "").strip() or None


def _errors(form: forms.Form) -> list[str]:
    """Every form error as one readable line, naming the field it belongs to."""
    lines = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form.fields[name].label}: "
        lines.extend(f"{label}{error}" for error in errors)
    return lines


# -- answering ------------------------------------------------------------------------------


def _answer(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """The results alone for an htmx swap, else the whole page.

    A whole page keeps the error's HTTP status (422, 404, 409); an htmx answer is 200 so that
    the message is swapped in like any other result.
    """
    context["fragment"] = wants_fragment(request)
    template = fragment if context["fragment"] else page
    status = 200
    if not context["fragment"]:
        if context.get("error_status"):
            status = context["error_status"]
        elif context.get("form_errors"):
            status = 422
    return varies_on_htmx(render(request, template, context, status=status))


def _run(context: dict[str, Any], compute: Any) -> Any:
    """Call a payload function; a GoodwillError becomes the page's one-line message."""
    try:
        return compute()
    except GoodwillError as exc:
        context["error"] = str(exc)
        context["error_status"] = exc.http_status
        return None


def _me_id(owner: Any) -> int | None:
    return Person.objects.filter(owner=owner, is_me=True).values_list("id", flat=True).first()


def _asked(request: HttpRequest, names: tuple[str, ...]) -> bool:
    return any(name in request.GET for name in names)


# -- the network map ------------------------------------------------------------------------


def _community_colours(communities: list[dict[str, Any]]) -> dict[int, str]:
    ranked = sorted(communities, key=lambda c: (-c["size"], c["id"]))
    return {c["id"]: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, c in enumerate(ranked)}


def _community_label(community: dict[str, Any]) -> str:
    return community.get("label") or f"Group {community['id'] + 1}"


def _community_table(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The communities largest first, each with its colour and best-connected people."""
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for node in payload["nodes"]:
        members[node["community"]].append(node)
    colours = _community_colours(payload["communities"])
    rows = []
    for community in sorted(payload["communities"], key=lambda c: (-c["size"], c["id"])):
        top = sorted(members[community["id"]], key=lambda n: (-n["degree"], n["name"]))
        rows.append(
            {
                "id": community["id"],
                "label": _community_label(community),
                "size": community["size"],
                "colour": colours[community["id"]],
                "top": top[:TOP_PEOPLE_SHOWN],
            }
        )
    return rows


@login_required
def network_map(request: HttpRequest) -> HttpResponse:
    payload = queries.map_payload(request.user)
    table = _community_table(payload)
    named = [row for row in table if row["colour"] != OTHER_COLOUR]
    context = {
        "communities": named,
        "group_count": len(table),
        "other": table[len(named) :],
        "other_people": sum(row["size"] for row in table[len(named) :]),
        "other_colour": OTHER_COLOUR,
        "total_nodes": payload["total_nodes"],
        "shown_nodes": len(payload["nodes"]),
        "edges": len(payload["edges"]),
    }
    return render(request, "web/graph/map.html", context)


def compact_map(payload: dict[str, Any]) -> dict[str, Any]:
    """The map payload in columns, rounded: about half the bytes of one object per node."""
    nodes = payload["nodes"]
    colours = _community_colours(payload["communities"])
    me = next((i for i, node in enumerate(nodes) if node["is_me"]), -1)
    return {
        "total_nodes": payload["total_nodes"],
        "me": me,
        "id": [node["id"] for node in nodes],
        "name": [node["name"] for node in nodes],
        "x": [round(float(node["x"]), 3) for node in nodes],
        "y": [round(float(node["y"]), 3) for node in nodes],
        "community": [node["community"] for node in nodes],
        "degree": [node["degree"] for node in nodes],
        "strength": [round(float(node["strength"]), 2) for node in nodes],
        "edges": [[int(i), int(j), round(float(w), 2)] for i, j, w in payload["edges"]],
        "communities": [
            {
                "id": c["id"],
                "size": c["size"],
                "label": _community_label(c),
                "colour": colours[c["id"]],
            }
            for c in sorted(payload["communities"], key=lambda c: (-c["size"], c["id"]))
        ],
        "other_colour": OTHER_COLOUR,
    }


@login_required
@gzip_page
def map_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(compact_map(queries.map_payload(request.user)))


# -- the intro finder -----------------------------------------------------------------------


@login_required
def intro(request: HttpRequest) -> HttpResponse:
    asked = _asked(request, ("to", "need", "from"))
    form = IntroForm(request.GET if asked else None)
    context: dict[str, Any] = {"form": form, "asked": asked, "result": None}
    if asked and form.is_valid():
        context["me_id"] = _me_id(request.user)
        context["max_hops"] = _value(form, "max_hops")
        context["result"] = _run(
            context,
            lambda: queries.intro_payload(
                request.user,
                to=_text(form, "to"),
                need=_text(form, "need"),
                source=_text(form, "from"),
                k=_value(form, "k"),
                max_hops=context["max_hops"],
            ),
        )
    elif asked:
        context["form_errors"] = _errors(form)
    return _answer(request, "web/graph/intro.html", "web/graph/_intro_results.html", context)


@login_required
def people_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s for a person field's datalist: the first few people matching its text."""
    text = next((v.strip() for v in request.GET.values() if v.strip()), "")
    found = list(people.search(request.user, text)[:OPTIONS_SHOWN]) if len(text) >= 2 else []
    names = [p.name for p in found]
    options = [
        {"value": p.name if names.count(p.name) == 1 else f"#{p.id}", "person": p} for p in found
    ]
    return render(request, "web/graph/_people_options.html", {"options": options})


# -- the reach planner ----------------------------------------------------------------------


def _chart(sharers: list[dict[str, Any]]) -> dict[str, Any]:
    total = 0
    cumulative = []
    for sharer in sharers:
        total += sharer["adds"]
        cumulative.append(total)
    return {
        "names": [s["name"] for s in sharers],
        "adds": [s["adds"] for s in sharers],
        "cumulative": cumulative,
    }


def _with_cumulative(sharers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total = 0
    rows = []
    for sharer in sharers:
        total += sharer["adds"]
        rows.append({**sharer, "cumulative": total})
    return rows


@login_required
def reach(request: HttpRequest) -> HttpResponse:
    asked = _asked(request, ("who", "action"))
    form = ReachForm(request.GET if asked else None)
    context: dict[str, Any] = {"form": form, "asked": asked, "result": None, "chosen": None}
    if asked and form.is_valid():
        refs = form.cleaned_data.get("refs")
        hops = _value(form, "hops")
        if form.wants_choice():
            chosen = _run(
                context, lambda: queries.sharers_payload(request.user, k=_value(form, "k"))
            )
            if chosen is not None:
                context["chosen"] = chosen
                refs = [f"#{s['id']}" for s in chosen["sharers"]]
                lines = "\n".join(f"#{s['id']} {s['name']}" for s in chosen["sharers"])
                form = ReachForm({**request.GET.dict(), "who": lines})
                form.is_valid()
                context["form"] = form
        if refs:
            result = _run(context, lambda: queries.reach_payload(request.user, refs, max_hops=hops))
            if result is not None:
                result["rows"] = _with_cumulative(result["sharers"])
                result["chart"] = _chart(result["sharers"])
            context["result"] = result
    elif asked:
        context["form_errors"] = _errors(form)
    return _answer(request, "web/graph/reach.html", "web/graph/_reach_results.html", context)


# -- people to meet and introductions to make -----------------------------------------------


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    asked = _asked(request, ("for", "k"))
    form = SuggestForm(request.GET if asked else None)
    context: dict[str, Any] = {"form": form, "result": None}
    if not asked or form.is_valid():
        for_who = _text(form, "for") if asked else None
        k = _value(form, "k") if asked else form.fields["k"].initial
        context["for_me"] = for_who is None
        result = _run(context, lambda: queries.suggest_payload(request.user, for_who=for_who, k=k))
        for suggestion in result["suggestions"] if result else []:
            suggestion["more_mutuals"] = suggestion["mutual_count"] - len(suggestion["mutuals"])
        context["result"] = result
    else:
        context["form_errors"] = _errors(form)
    return _answer(request, "web/graph/suggest.html", "web/graph/_suggest_results.html", context)


@login_required
def introduce(request: HttpRequest) -> HttpResponse:
    asked = _asked(request, ("k",))
    form = IntroduceForm(request.GET if asked else None)
    context: dict[str, Any] = {"form": form, "result": None}
    if not asked or form.is_valid():
        k = _value(form, "k") if asked else form.fields["k"].initial
        context["result"] = _run(context, lambda: queries.introduce_payload(request.user, k=k))
    else:
        context["form_errors"] = _errors(form)
    return _answer(
        request, "web/graph/introduce.html", "web/graph/_introduce_results.html", context
    )


# -- the person page's network panel --------------------------------------------------------


def _directly_tied(owner: Any, person_id: int) -> bool:
    s = snapshot_for(owner)
    if s.me < 0:
        return False
    try:
        node = s.index_of(person_id)
    except KeyError:
        return False
    return bool((s.neighbours(s.me) == node).any())


@login_required
def person_graph_panel(request: HttpRequest, person_id: int) -> HttpResponse:
    person = owned_person(request, person_id)
    context: dict[str, Any] = {"person": person, "mutuals": None, "paths": None}
    if person.is_me:
        s = snapshot_for(request.user)
        context["degree"] = s.degree(s.me) if s.me >= 0 else 0
        return render(request, "web/graph/_person_panel.html", context)
    ref = f"#{person.id}"
    mutuals = _run(context, lambda: queries.mutuals_payload(request.user, None, ref))
    context["mutuals"] = mutuals
    context["more_mutuals"] = mutuals["shared"] - PANEL_MUTUALS_SHOWN if mutuals else 0
    tied = mutuals.get("tied") if mutuals else None
    context["direct"] = tied if tied is not None else _directly_tied(request.user, person.id)
    if not context["direct"]:
        found = _run(
            context,
            lambda: queries.intro_payload(
                request.user, to=ref, k=PANEL_PATHS, max_hops=PANEL_MAX_HOPS
            ),
        )
        context["paths"] = found["paths"] if found else []
        context["me_id"] = found["from"]["id"] if found else None
    context["max_hops"] = PANEL_MAX_HOPS
    context["shown"] = PANEL_MUTUALS_SHOWN
    return render(request, "web/graph/_person_panel.html", context)
