"""Formal and informal address: one message catalogue per register, never mixed.

Every language amends speaks except English has two ways to address a customer (vous/tu, u/je,
Sie/du, usted/tú, Lei/tu, Pan/Pani/ty, jūs/tu). The main catalogue (``django.po``) is written in
the formal register. ``informal.po`` beside it holds the informal wording of every customer-facing
message that addresses the reader, keyed by the same English ``msgid``; it is not touched by
``makemessages``, and ``compilemessages`` builds it like any other catalogue.

When a page or a mail is for someone addressed informally, :func:`activate_register` swaps the
active translation for one whose catalogue looks in ``informal.po`` first and falls back to
``django.po``. So templates and code keep using ``{% translate %}`` and ``gettext`` as they are; a
message with no informal entry (one that does not address the reader) reads the same in both.

This reaches into ``django.utils.translation.trans_real`` (the active translation and its
catalogue type); ``tests/i18n/test_register.py`` checks it against the Django in use.
"""

from __future__ import annotations

import copy
import functools
import gettext as gettext_module
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import trans_real

FORMAL = "formal"
INFORMAL = "informal"
DOMAIN = "informal"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# Where a message is used decides whether customers read it, and so whether informal.po needs
# its informal wording: the portal, the public pages and forms, sign-in, what is shown beside a
# customer's messages, and the rules of an order. ``scripts/informal_catalogue.py`` fills
# informal.po by this rule and ``tests/i18n/test_register.py`` checks it by the same rule.
_CUSTOMER_FACING = re.compile(
    r"(^|/)(portal/|web/|accounts/signin|conversations/templates/|policies/|mail/notices|proactive/|commerce/remedies)"
)
# The labels that name the registers themselves ("Formal", "Informal") read the same in both.
NAMES_THE_REGISTER = frozenset({"Informal", "Formal"})


def is_customer_facing(*, msgid: str, paths: Iterable[str]) -> bool:
    """Whether a message used at ``paths`` (relative to the package) is read by customers."""
    return msgid not in NAMES_THE_REGISTER and any(_CUSTOMER_FACING.search(p) for p in paths)


def informal_catalogue_path(language: str) -> Path:
    return LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES" / f"{DOMAIN}.mo"


@functools.cache
def _informal_translation(language: str) -> trans_real.DjangoTranslation | None:
    """The language's translation with ``informal.mo`` in front, or None if it has none."""
    path = informal_catalogue_path(language)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        informal = gettext_module.GNUTranslations(handle)
    base = trans_real.translation(language)
    variant = copy.copy(base)
    catalogue: Any = trans_real.TranslationCatalog(informal)
    formal: Any = base._catalog  # type: ignore[attr-defined]
    # The formal catalogues follow, shared and read-only: informal first, then everything else.
    catalogue._catalogs.extend(formal._catalogs)
    catalogue._plurals.extend(formal._plurals)
    variant._catalog = catalogue  # type: ignore[attr-defined]
    return variant


def activate_register(register: str) -> None:
    """Address the reader of what is rendered next in ``register``, in the active language."""
    if register != INFORMAL:
        return
    variant = _informal_translation(translation.get_language() or "")
    if variant is not None:
        active: Any = trans_real._active  # type: ignore[attr-defined]
        active.value = variant


@contextmanager
def override(language: str, register: str) -> Iterator[None]:
    """Like ``translation.override``, in a register: for mail and anything outside a request."""
    with translation.override(language):
        activate_register(register)
        yield


def reset_cache() -> None:
    """Forget loaded catalogues (after ``compilemessages`` in a running process, and in tests)."""
    _informal_translation.cache_clear()
