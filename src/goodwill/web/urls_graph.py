"""Web pages of the graph area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
