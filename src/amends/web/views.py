from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from amends.accounts.models import Role, User
from amends.commerce.models import Order, OrderLine
from amends.commerce.selectors import orders_visible_to
from amends.conversations.uploads import MAX_FILES, MAX_TOTAL_BYTES
from amends.core.health import health
from amends.customers.models import Customer
from amends.customers.selectors import customers_visible_to
from amends.web.forms import ABOUT, ContactForm


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


# A contact form is at most this large: every attachment, the text fields, and the multipart
# framing. A body declared larger is refused before it is read.
MAX_CONTACT_BODY = MAX_TOTAL_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024


def _contact_customer(request: HttpRequest) -> tuple[Customer | None, list[Order]]:
    """The signed-in customer and their orders (newest first), or nobody."""
    user = request.user
    if not isinstance(user, User) or user.role != Role.CUSTOMER:
        return None, []
    customer = customers_visible_to(user).filter(user=user).select_related("brand", "user").first()
    if customer is None:
        return None, []
    orders = (
        orders_visible_to(user)
        .filter(customer=customer)
        .select_related("brand")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
        .order_by("-placed_at", "-id")[:50]
    )
    return customer, list(orders)


def _contact_form(request: HttpRequest, *, bound: bool) -> ContactForm:
    customer, orders = _contact_customer(request)
    language = getattr(request, "LANGUAGE_CODE", "")
    if bound:
        return ContactForm(
            request.POST, request.FILES, customer=customer, orders=orders, language=language
        )
    initial: dict[str, str] = {}
    wanted_order = request.GET.get("order", "").strip()[:40]
    if wanted_order:
        if customer is None:
            initial["order_number"] = wanted_order
        elif any(o.number == wanted_order for o in orders):
            initial["order"] = wanted_order
    about = ABOUT.get(request.GET.get("about", ""))
    if about:
        initial["problem"] = about
    return ContactForm(initial=initial, customer=customer, orders=orders, language=language)


def _contact_page(
    request: HttpRequest, form: ContactForm, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    return render(request, "web/contact.html", {"form": form, "refusal": refusal}, status=status)


@csrf_exempt  # checked in _contact_post, once the size of the body is known to be sane
def contact(request: HttpRequest) -> HttpResponse:
    """The guided contact form (story 5): the order, what went wrong, what the customer wants,
    then details and attachments; it files a case through the inbound entry point."""
    if request.method != "POST":
        return _contact_page(request, _contact_form(request, bound=False))
    refusal = ""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_CONTACT_BODY:
        refusal = _("What you sent is too large: at most %(limit)s of files can be attached.") % {
            "limit": filesizeformat(MAX_TOTAL_BYTES)
        }
    else:
        try:
            return _contact_post(request)
        except RequestDataTooBig:
            refusal = _("Your message is too long. Please shorten it and send it again.")
        except TooManyFilesSent:
            refusal = _("Too many files were sent at once. At most %(count)d can be attached.") % {
                "count": MAX_FILES
            }
    return _contact_page(request, _contact_form(request, bound=False), refusal=refusal, status=413)


@csrf_protect
def _contact_post(request: HttpRequest) -> HttpResponse:
    from amends.inbound.services import inbound_receive

    form = _contact_form(request, bound=True)
    if not form.is_valid():
        return _contact_page(request, form)
    raw = json.dumps(form.payload(), ensure_ascii=False).encode()
    result = inbound_receive(channel="web", raw=raw, source="contact-form")
    case = result.inbound.case
    if case is None:
        # Kept in quarantine with its reason (for staff, not for this page) and replayed once
        # the cause is fixed; sending it again would only find the same stored message.
        return render(request, "web/contact_thanks.html", {"reference": ""}, status=202)
    return redirect("contact-thanks", reference=case.reference)


def contact_thanks(request: HttpRequest, reference: str) -> HttpResponse:
    return render(request, "web/contact_thanks.html", {"reference": reference[:20]})
