"""The queue tabs' counts, kept per reader in the cache for a few seconds.

Counting every queue is one aggregate over every open case the reader may see (tens of
thousands for a supervisor of several storefronts), too slow to run on every page render. So the
queue page is sent with the counts ``/console/counts`` last computed for the same reader, if they
are at most ``COUNTS_TTL`` seconds old, or without counts; ``console.js`` fetches fresh ones as
soon as the page has loaded and again on every live signal. ``/console/counts`` always counts
afresh (through ``queue_counts``, which applies ``cases_visible_to``) and stores the result.

The entry is per user, so one reader never sees another's counts; at worst the page shows counts
that are ``COUNTS_TTL`` seconds old until the fresh ones arrive a moment later. The cache only
saves work: when it fails (Redis away, the database cache's table not created) the tabs are sent
empty and ``/console/counts`` still answers.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from amends.accounts.models import User
from amends.console.queues import QUEUES, queue_counts

COUNTS_TTL = 30  # seconds

logger = logging.getLogger(__name__)


def _key(user: User) -> str:
    return f"console:queue-counts:{user.pk}"


def counts_fresh(*, user: User) -> dict[str, int]:
    """Count every queue for ``user`` now, and keep the result for the next page render."""
    counts = queue_counts(user=user)
    try:
        cache.set(_key(user), counts, COUNTS_TTL)
    except Exception as exc:  # any backend's failure: the counts are answered all the same
        logger.warning("queue counts not cached: %s", exc)
    return counts


def counts_recent(*, user: User) -> dict[str, int] | None:
    """The counts last computed for ``user`` if they are recent, else None (nothing is counted
    here). Anything in the cache that is not a count for every queue is ignored."""
    try:
        value = cache.get(_key(user))
    except Exception as exc:  # any backend's failure: the tabs wait for console.js instead
        logger.warning("queue counts not read from the cache: %s", exc)
        return None
    if not isinstance(value, dict) or set(value) != set(QUEUES):
        return None
    if not all(type(n) is int and n >= 0 for n in value.values()):
        return None
    return value
