from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from amends.core.health import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


def contact(request: HttpRequest) -> HttpResponse:
    from amends.web.forms import ContactForm

    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            from amends.inbound.services import inbound_receive

            raw = json.dumps(form.payload(), ensure_ascii=False).encode()
            result = inbound_receive(channel="web", raw=raw, source="contact-form")
            case = result.inbound.case
            if case is None:
                # The reason stays with the quarantined message; it is for staff, not for the page.
                form.add_error(
                    None, _("Your message could not be filed. Please try again in a moment.")
                )
            else:
                return redirect("contact-thanks", reference=case.reference)
    else:
        form = ContactForm()
    return render(request, "web/contact.html", {"form": form})


def contact_thanks(request: HttpRequest, reference: str) -> HttpResponse:
    return render(request, "web/contact_thanks.html", {"reference": reference[:20]})
