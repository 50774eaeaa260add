"""Small pieces every resource's output uses: names of people, references, money."""

from __future__ import annotations

from decimal import Decimal

from amends.accounts.models import Team, User
from amends.api.schemas.common import Ref
from amends.cases.selectors import user_may_work_case


def staff_name(person: User, *, viewer: User) -> str:
    """Staff see each other's full name (or email); customers and sellers see a first name."""
    if user_may_work_case(viewer):
        return str(person)
    return person.first_name or "Support"


def user_ref(person: User | None, *, viewer: User) -> Ref | None:
    if person is None:
        return None
    return Ref(id=person.pk, name=staff_name(person, viewer=viewer))


def team_ref(team: Team) -> Ref:
    return Ref(id=team.pk, name=team.name)


def money(value: Decimal) -> str:
    return f"{value:.2f}"
