"""What every adapter needs and no carrier does differently: the body cap, safe JSON, typed
reads that fail as ``WebhookRejected``, constant-time secrets, aware datetimes, code tables.

Each adapter module holds only its carrier's knowledge (URLs, field names, code tables); the
hostile-input rules live here once, so they cannot drift apart between carriers.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global

from amends.carriers import numbers
from amends.carriers.adapters.base import (
    MAX_BODY_BYTES,
    MAX_DEPTH,
    SECRET_HEADER,
    SIGNATURE_HEADER,
    CarrierEvent,
    PollRequest,
    WebhookRejected,
)
from amends.carriers.taxonomy import TrackingStatus

# More events than this in one body is not a tracking update but an attack or a bug.
MAX_EVENTS = 10_000
# The model's column widths (carriers.models.TrackingEvent / Shipment).
MAX_NUMBER = 64
MAX_CODE = 64
MAX_DESCRIPTION = 500
MAX_LOCATION = 200
# Carriers have existed since before 2000 and no scan is dated after 2100: anything else is junk.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

# The zone of each country a storefront or a carrier here is in; countries with one zone only
# are also taken from CLDR (babel) below. A country with several zones and none listed here has
# no zone: a local time there without an offset is refused rather than guessed.
_COUNTRY_ZONES: Mapping[str, str] = {
    "ES": "Europe/Madrid",
    "DE": "Europe/Berlin",
    "PT": "Europe/Lisbon",
    "DK": "Europe/Copenhagen",
    "NL": "Europe/Amsterdam",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
}

Json = Any


def reject(reason: str, detail: str) -> WebhookRejected:
    return WebhookRejected(reason, detail)


# --- headers and secrets -----------------------------------------------------------------------


def header(headers: Mapping[str, str], name: str) -> str:
    """A request header by name, in any case, also in Django's ``HTTP_X_FOO`` spelling."""
    wanted = name.lower().replace("_", "-")
    for key, value in headers.items():
        if not isinstance(key, str):
            continue
        norm = key.lower().replace("_", "-")
        if norm.startswith("http-"):
            norm = norm[5:]
        if norm == wanted:
            return value if isinstance(value, str) else ""
    return ""


def _require_secret(secret: str) -> bytes:
    if not secret:
        raise reject("signature", "no webhook secret is configured for this carrier")
    return secret.encode()


def check_token(*, given: str, secret: str, header_name: str) -> None:
    """The header carries the shared secret itself (compared in constant time)."""
    expected = _require_secret(secret)
    if not given:
        raise reject("signature", f"the {header_name} header is missing")
    if not hmac.compare_digest(given.strip().encode(), expected):
        raise reject("signature", f"the {header_name} header does not match")


def sign(body: bytes, secret: str) -> str:
    """The :data:`SIGNATURE_HEADER` value for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_shared(*, body: bytes, headers: Mapping[str, str], secret: str) -> None:
    """Our own scheme for carriers that authenticate nothing: an HMAC-SHA256 signature of the
    raw body in :data:`SIGNATURE_HEADER`, or the secret itself in :data:`SECRET_HEADER`."""
    _require_secret(secret)
    signature = header(headers, SIGNATURE_HEADER).strip()
    if signature:
        if not hmac.compare_digest(signature.encode(), sign(body, secret).encode()):
            raise reject("signature", f"the {SIGNATURE_HEADER} header does not match the body")
        return
    given = header(headers, SECRET_HEADER)
    if not given:
        raise reject("signature", f"neither {SIGNATURE_HEADER} nor {SECRET_HEADER} is present")
    check_token(given=given, secret=secret, header_name=SECRET_HEADER)


# --- bodies ------------------------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_depth(value: Json) -> None:
    stack: list[tuple[Json, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise reject("malformed", f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def load_json(body: bytes) -> Json:
    """The body as JSON, after the size cap; anything else is ``WebhookRejected``."""
    if not isinstance(body, bytes | bytearray):
        raise reject("malformed", "the body is not bytes")
    if len(body) > MAX_BODY_BYTES:
        raise reject("too_large", f"{len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    if not body.strip():
        raise reject("malformed", "the body is empty")
    try:
        text = bytes(body).decode("utf-8-sig")
        value = json.loads(text, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise reject("malformed", f"the body is not UTF-8 ({exc.reason})") from exc
    except RecursionError as exc:
        raise reject("malformed", f"JSON nested deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:
        raise reject("malformed", f"the body is not JSON: {exc}") from exc
    _check_depth(value)
    return value


def obj(value: Json, where: str) -> Mapping[str, Json]:
    if not isinstance(value, dict):
        raise reject("malformed", f"{where} should be an object")
    return value


def arr(value: Json, where: str, *, optional: bool = True) -> list[Json]:
    """A list; a missing value is an empty list when ``optional``; one object is a list of one
    (several carriers send a single element unwrapped)."""
    if value is None and optional:
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise reject("malformed", f"{where} should be a list")
    if len(value) > MAX_EVENTS:
        raise reject("too_large", f"{where} has {len(value)} entries; the limit is {MAX_EVENTS}")
    return value


def text(value: Json, where: str, *, required: bool = False, limit: int = 0) -> str:
    """A string (numbers are read as their text); "" when absent and not ``required``."""
    if value is None or value == "":
        if required:
            raise reject("malformed", f"{where} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise reject("malformed", f"{where} should be text")
    result = " ".join(str(value).split())
    return result[:limit] if limit else result


def tracking_number(value: Json, where: str) -> str:
    number = numbers.normalise(text(value, where, required=True))
    if not number or len(number) > MAX_NUMBER or not number.isalnum():
        raise reject("malformed", f"{where} is not a tracking number")
    return number


def code(value: Json, where: str, *, required: bool = True) -> str:
    return text(value, where, required=required, limit=MAX_CODE)


def with_newest_estimate(
    events: list[CarrierEvent], estimate: dt.date | None, *, unless: frozenset[str] = frozenset()
) -> list[CarrierEvent]:
    """The carrier's current delivery estimate, attached to the newest event (the one that
    carries the shipment's present state), unless that event's status is in ``unless``."""
    if not events or estimate is None:
        return events
    newest = max(range(len(events)), key=lambda k: events[k].occurred_at)
    if events[newest].status in unless:
        return events
    events[newest] = replace(events[newest], estimated_delivery=estimate)
    return events


def join_location(*parts: str) -> str:
    return ", ".join(p for p in parts if p)[:MAX_LOCATION]


# --- time --------------------------------------------------------------------------------------


def zone_for_country(country: str) -> ZoneInfo | None:
    cc = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", cc):
        return None
    name = _COUNTRY_ZONES.get(cc)
    if name is None:
        zones = get_global("territory_zones").get(cc) or []
        name = zones[0] if len(zones) == 1 else None
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _sane(moment: dt.datetime, where: str) -> dt.datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise reject("malformed", f"{where} is out of range: {moment.isoformat()}")
    return moment


def aware(moment: dt.datetime, zone: dt.tzinfo | None, where: str) -> dt.datetime:
    """``moment`` made aware: its own offset, else the local ``zone``; neither is refused."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return _sane(moment, where)
    if zone is None:
        raise reject("malformed", f"{where} has no time zone and none is known for its place")
    return _sane(moment.replace(tzinfo=zone), where)


def parse_iso(value: Json, where: str, *, zone: dt.tzinfo | None) -> dt.datetime:
    raw = text(value, where, required=True)
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError as exc:
        raise reject("malformed", f"{where} is not an ISO 8601 time: {raw[:40]!r}") from exc
    return aware(moment, zone, where)


def parse_format(
    value: Json, where: str, formats: Sequence[str], *, zone: dt.tzinfo | None
) -> dt.datetime:
    """A local time in one of the carrier's documented ``strptime`` formats (or ISO 8601)."""
    raw = text(value, where, required=True)
    for fmt in formats:
        try:
            moment = dt.datetime.strptime(raw, fmt)  # noqa: DTZ007 - made aware just below
        except ValueError:
            continue
        return aware(moment, zone, where)
    return parse_iso(raw, where, zone=zone)


def parse_date(value: Json, formats: Sequence[str] = ("%Y-%m-%d",)) -> dt.date | None:
    """An estimated delivery date; a missing or unreadable estimate is no estimate, not an
    error (the event itself is still good)."""
    if value is None or value == "" or not isinstance(value, str):
        return None
    raw = value.strip()[:40]
    for fmt in formats:
        try:
            found = dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        return found if EARLIEST_YEAR <= found.year <= LATEST_YEAR else None
    try:
        found = dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return found if EARLIEST_YEAR <= found.year <= LATEST_YEAR else None


# --- codes -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """Upper case without accents, single spaces: for matching carriers' status texts. Cached:
    the phrase tables are folded once, and carriers repeat the same few descriptions."""
    decomposed = unicodedata.normalize("NFKD", value)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).upper().split())


def by_phrase(
    description: str, phrases: Sequence[tuple[str, TrackingStatus]]
) -> TrackingStatus | None:
    """The status of the first phrase (folded) that ``description`` contains."""
    folded = fold(description)
    for phrase, status in phrases:
        if fold(phrase) in folded:
            return status
    return None


def expand(groups: Mapping[TrackingStatus, str]) -> dict[str, TrackingStatus]:
    """A code table written as ``{status: "CODE CODE …"}``: one line per status reads better
    than three hundred dictionary entries."""
    table: dict[str, TrackingStatus] = {}
    for status, codes in groups.items():
        for item in codes.split():
            if item in table:
                raise ValueError(f"code {item} listed twice")
            table[item] = status
    return table


# --- the shared adapter skeleton ---------------------------------------------------------------


class AdapterBase:
    """Defaults every adapter shares: recognition through ``carriers.numbers``, our own push
    authentication, and parsing that turns any surprise in the body into ``WebhookRejected``.

    Subclasses set the class attributes and implement ``_events_from(payload)`` (and
    ``_poll_events`` when the API answers in another shape than the pushes).
    """

    code: str = ""
    name: str = ""
    signs_webhooks: bool = False
    max_poll_batch: int = 1

    def recognises(self, tracking_number: str) -> bool:
        return numbers.is_valid(self.code, tracking_number)

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> None:
        verify_shared(body=body, headers=headers, secret=secret)

    def parse_webhook(self, body: bytes) -> Sequence[CarrierEvent]:
        return self._guarded(body, self._events_from)

    def parse_poll(self, body: bytes) -> Sequence[CarrierEvent]:
        return self._guarded(body, self._poll_events)

    def poll_request(self, *, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        wanted = [numbers.normalise(n) for n in tracking_numbers if numbers.normalise(n)]
        if not wanted:
            raise ValueError("no tracking numbers to poll")
        if len(wanted) > self.max_poll_batch:
            raise ValueError(f"{self.name} answers at most {self.max_poll_batch} per request")
        bad = [n for n in wanted if not n.isalnum() or len(n) > MAX_NUMBER]
        if bad:
            raise ValueError(f"not tracking numbers: {bad[:3]}")
        return self._poll_request(wanted, api_key)

    def _poll_request(self, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        raise NotImplementedError

    def _events_from(self, payload: Json) -> list[CarrierEvent]:
        raise NotImplementedError

    def _poll_events(self, payload: Json) -> list[CarrierEvent]:
        return self._events_from(payload)

    def _guarded(
        self, body: bytes, read: Callable[[Json], list[CarrierEvent]]
    ) -> list[CarrierEvent]:
        payload = load_json(body)
        try:
            events = read(payload)
        except WebhookRejected:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
            # The typed reads above reject what the documented shape excludes; this catches
            # the shape a carrier never documented, so a surprise is a clear refusal, not a 500.
            raise reject(
                "malformed", f"unexpected {self.name} body ({type(exc).__name__})"
            ) from exc
        if len(events) > MAX_EVENTS:
            raise reject("too_large", f"{len(events)} events; the limit is {MAX_EVENTS}")
        return events
