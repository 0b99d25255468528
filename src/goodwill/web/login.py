"""Sign-in with backoff (see goodwill.web.throttle), for the login page and the admin's."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse

from goodwill.web import throttle

THROTTLED = "throttled"


class ThrottledMixin(Form):
    request: Any

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        wait = throttle.wait_seconds(self.request, username)
        if wait:
            raise ValidationError(
                "Too many failed sign-ins for this account or from this address. "
                f"Try again in {throttle.describe(wait)}.",
                code=THROTTLED,
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.failed(self.request, username)
            raise
        if getattr(self, "user_cache", None) is not None:
            throttle.succeeded(username)
        return cleaned  # type: ignore[no-any-return]


class LoginForm(ThrottledMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", THROTTLED):
            response.status_code = 429
        return response
