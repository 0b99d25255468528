from django.contrib import admin
from django.urls import include, path

from goodwill.api.routes import api
from goodwill.web.login import AdminLoginForm

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("groups/", include("goodwill.workspaces.urls")),
    path("", include("goodwill.web.urls")),
]
