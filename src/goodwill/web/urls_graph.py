"""Web pages of the graph area."""

from django.urls import URLPattern, path

from goodwill.web.views import graph

urlpatterns: list[URLPattern] = [
    path("map/", graph.network_map, name="map"),
    path("map/data.json", graph.map_data, name="map_data"),
    path("intro/", graph.intro, name="intro"),
    path("intro/people/", graph.people_options, name="graph_people_options"),
    path("reach/", graph.reach, name="reach"),
    path("suggest/", graph.suggest, name="suggest"),
    path("introduce/", graph.introduce, name="introduce"),
    path(
        "people/<int:person_id>/network/",
        graph.person_graph_panel,
        name="person_graph_panel",
    ),
]
