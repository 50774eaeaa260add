"""An optional machine translation of what a customer wrote, shown to the agent only.

amends never machine-translates a reply: replies come from native templates or an agent's own
words (DESIGN, promise 6). But an agent on a team queue may open a case in a language they do
not read; a translation of the customer's message, clearly marked as a machine's and for them
only, helps them understand it while they answer with a template in the customer's language.

The backend is chosen by ``settings.AMENDS_TRANSLATION``::

    AMENDS_TRANSLATION = {
        "BACKEND": "amends.replies.translation.LibreTranslateBackend",  # "" = off
        "URL": "http://translate.internal:5000",  # a self-hosted LibreTranslate
        "API_KEY": "",  # if the server wants one
        "TIMEOUT": "5",  # seconds, for the whole request; never retried
        "TRANSPORT": None,  # an httpx transport (tests), or a dotted path to a callable
    }

A backend answers ``None`` when it cannot translate (the service is down, slow, refuses, or
answers nonsense): the agent reads "not available", the page never fails and the request is
not retried (the agent can click again). A translation is cached per message, source and
target language, so a second agent or a second click costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from amends.accounts.models import User
from amends.conversations.models import Direction, Message
from amends.triage.result import UNKNOWN

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
MAX_CHARS = 5_000  # what is sent: the start of a long message is what the agent needs
MAX_ANSWER_BYTES = 256 * 1024
CACHE_SECONDS = 30 * 24 * 3600
AUTO = "auto"  # the source language when triage could not tell


class TranslationBackend(Protocol):
    def translate(self, text: str, *, source: str, target: str) -> str | None:
        """``text`` from ``source`` (an ISO 639-1 code or "auto") into ``target``; ``None``
        when the translation is not available."""


class LibreTranslateBackend:
    """A LibreTranslate-compatible server: ``POST {URL}/translate`` with JSON
    ``{"q", "source", "target", "format": "text", "api_key"}``, answering
    ``{"translatedText": "…"}`` (or ``{"error": "…"}`` with a 4xx/5xx status)."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("AMENDS_TRANSLATION['URL'] must be an http:// or https:// URL")
        self.endpoint = url.rstrip("/") + "/translate"
        self.api_key = api_key
        self.timeout = timeout
        self.transport = transport

    def translate(self, text: str, *, source: str, target: str) -> str | None:
        payload: dict[str, str] = {"q": text, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        try:
            raw = self._post(payload)
        except httpx.HTTPError as exc:
            logger.warning("translation service unreachable: %s", exc.__class__.__name__)
            return None
        if raw is None:
            return None
        try:
            answer: Any = json.loads(raw)
        except ValueError:
            logger.warning("translation service answered something other than JSON")
            return None
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str) or not translated.strip():
            logger.warning("translation service answered without a translation")
            return None
        return translated.strip()

    def _post(self, payload: dict[str, str]) -> bytes | None:
        """The answer's body, read no further than :data:`MAX_ANSWER_BYTES`; ``None`` for an
        answer that is not a 200 or too large."""
        with (
            httpx.Client(
                transport=self.transport, timeout=self.timeout, follow_redirects=False
            ) as client,
            client.stream("POST", self.endpoint, json=payload) as response,
        ):
            if response.status_code != 200:
                logger.warning("translation service answered %s", response.status_code)
                return None
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    logger.warning("translation service answered over %s bytes", MAX_ANSWER_BYTES)
                    return None
            return bytes(body)


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "AMENDS_TRANSLATION", {}) or {})


def translation_backend() -> TranslationBackend | None:
    """The configured backend, or ``None`` when translation is off (or misconfigured, which is
    logged: a wrong setting must not break the case page)."""
    conf = _conf()
    path = str(conf.get("BACKEND") or "").strip()
    if not path:
        return None
    try:
        backend_class = import_string(path)
        transport = conf.get("TRANSPORT")
        if isinstance(transport, str):
            transport = import_string(transport)()
        backend: TranslationBackend = backend_class(
            url=str(conf.get("URL") or ""),
            api_key=str(conf.get("API_KEY") or ""),
            timeout=float(conf.get("TIMEOUT") or DEFAULT_TIMEOUT),
            transport=transport,
        )
    except (ImportError, ValueError, TypeError) as exc:
        logger.error("AMENDS_TRANSLATION is misconfigured: %s", exc)
        return None
    return backend


def translation_enabled() -> bool:
    return translation_backend() is not None


@dataclass(frozen=True)
class Translation:
    source: str  # the message's language, or "auto"
    target: str
    text: str | None  # None: not available
    truncated: bool  # only the first MAX_CHARS characters were translated


def _cache_key(message_id: int, text: str, source: str, target: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"amends:translation:v1:{message_id}:{source}:{target}:{digest}"


def translate_message(*, message_id: int, text: str, source: str, target: str) -> Translation:
    """A machine translation of one message for an agent, cached per message (and per its text,
    so an edited text is never shown another's translation)."""
    source = source or AUTO
    clipped = text[:MAX_CHARS]
    truncated = len(text) > MAX_CHARS
    backend = translation_backend()
    if backend is None or not clipped.strip() or source == target:
        return Translation(source=source, target=target, text=None, truncated=truncated)
    key = _cache_key(message_id, clipped, source, target)
    cached = cache.get(key)
    if isinstance(cached, str):
        return Translation(source=source, target=target, text=cached, truncated=truncated)
    translated = backend.translate(clipped, source=source, target=target)
    if translated is not None:
        cache.set(key, translated, CACHE_SECONDS)
    return Translation(source=source, target=target, text=translated, truncated=truncated)


# --- who needs one ---------------------------------------------------------------------------


def _code(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def agent_languages(user: User) -> list[str]:
    """The languages ``user`` reads: their agent profile's, else the language of their pages."""
    profile = getattr(user, "agent", None)
    spoken = [_code(str(lang)) for lang in (getattr(profile, "languages", None) or [])]
    return [lang for lang in dict.fromkeys(spoken) if lang] or [_code(user.language or "en")]


def translation_target(user: User) -> str:
    """The language to translate into for ``user``: their pages' language if they read it,
    else the first they read."""
    spoken = agent_languages(user)
    own = _code(user.language or "")
    return own if own in spoken else spoken[0]


def message_language(message: Message) -> str:
    """What the message is written in: as stored, else triage's verdict, else "" (unknown)."""
    if message.language and _code(message.language) != UNKNOWN:
        return _code(message.language)
    triage = getattr(message, "triage", None)  # triage.MessageTriage, when triage has run
    lang = str(getattr(triage, "lang", "") or "")
    return _code(lang) if lang and lang != UNKNOWN else ""


def needs_translation(message: Message, user: User) -> bool:
    """An inbound message in a language ``user`` does not read (or one nobody could tell)."""
    if message.direction != Direction.INBOUND:
        return False
    return message_language(message) not in agent_languages(user)
