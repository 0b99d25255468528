from django.contrib import admin
from django.urls import include, path

from goodwill.api.routes import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("groups/", include("goodwill.workspaces.urls")),
    path("", include("goodwill.web.urls")),
]
