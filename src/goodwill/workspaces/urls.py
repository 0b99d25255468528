"""Web pages of group workspaces."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
