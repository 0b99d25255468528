"""Web pages of the insights area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
