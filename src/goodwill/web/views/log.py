from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goodwill.errors import GoodwillError
from goodwill.web.forms import StandaloneInteractionForm


@login_required
def log(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = StandaloneInteractionForm(request.POST, owner=request.user)
    else:
        form = StandaloneInteractionForm(
            initial={"who": request.GET.get("who", "")}, owner=request.user
        )
    if form.is_valid() and form.person is not None:
        try:
            logged = form.log(request.user, form.person)
        except GoodwillError as exc:
            form.add_error(None, str(exc))
        else:
            person = form.person
            messages.success(request, f"Logged: {logged.get_kind_display()} with {person.name}.")
            return redirect("person", person_id=person.id)
    return render(request, "web/log.html", {"form": form})
