"""``GET /me``: who the caller is and what they may do."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from amends.api.permissions import current_user
from amends.api.schemas.common import ERRORS_LIST
from amends.api.schemas.me import MeOut
from amends.cases.selectors import teams_of, user_may_work_case
from amends.customers.models import Customer

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **ERRORS_LIST})
def me(request: HttpRequest) -> MeOut:
    user = current_user(request)
    customer_id = Customer.objects.filter(user=user).values_list("pk", flat=True).first()
    return MeOut(
        id=user.pk,
        email=user.email,
        name=str(user),
        role=user.role,
        language=user.language,
        customer_id=customer_id,
        seller_id=user.seller_id,
        team_ids=sorted(teams_of(user).values_list("pk", flat=True)),
        brands=sorted(user.brands.values_list("code", flat=True)),
        may_work_cases=user_may_work_case(user),
    )
