"""Web pages of the insights area."""

from django.urls import URLPattern, path

from goodwill.web.views import insights

urlpatterns: list[URLPattern] = [
    path("check-post/", insights.check_post, name="check_post"),
    path("channels/", insights.channel_return, name="channels"),
    path(
        "people/<int:person_id>/strength/",
        insights.person_strength_panel,
        name="person_strength_panel",
    ),
]
