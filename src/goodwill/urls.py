from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from goodwill.api.routes import api
from goodwill.web.login import AdminLoginForm

admin.site.login_form = AdminLoginForm

urlpatterns = [
    # Pages without our base template (the admin, the API docs) make browsers ask for this.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("goodwill/favicon.svg"), permanent=True),
    ),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("groups/", include("goodwill.workspaces.urls")),
    path("", include("goodwill.web.urls")),
]
