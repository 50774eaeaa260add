"""The SMTP client side, one step at a time, so the outbox knows how far a mail got.

``smtplib.SMTP.sendmail`` does everything in one call; when it fails nobody knows whether the
server took the mail. :class:`SmtpSession` splits the dialogue where the answer to that question
changes:

* ``open`` (connect, EHLO, STARTTLS, AUTH) and ``envelope`` (MAIL FROM, RCPT TO): a failure
  here means the mail was **not sent** (:class:`NotSent`);
* ``data``: the DATA command and the content. Until the final ``.`` has left, a failure still
  means not sent (RFC 5321 §3.8: a server that loses the connection before the end of the data
  acts as if RSET had been sent). Between the final ``.`` and the server's answer nobody knows:
  :class:`Uncertain`. A 250 answer means the server took responsibility for the mail.

A 5xx answer is permanent (``NotSent.permanent``); everything else is worth trying again, the
server's own configuration errors (no STARTTLS, wrong password) included, so that mail waiting
in the outbox leaves once the settings are fixed.

Settings: ``settings.AMENDS_SMTP = {"host", "port", "security", "user", "password", "timeout"}``;
a key missing there is read from the environment (``AMENDS_SMTP_HOST``, ``AMENDS_SMTP_PORT``,
``AMENDS_SMTP_SECURITY``, ``AMENDS_SMTP_USER``, ``AMENDS_SMTP_PASSWORD``,
``AMENDS_SMTP_TIMEOUT``). No host: no SMTP, mail goes through Django's ``EMAIL_BACKEND``.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SECURITY_CHOICES = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
DEFAULT_TIMEOUT = 30.0
_LINE_START_DOT = re.compile(rb"(?m)^\.")
_BARE_LF = re.compile(rb"(?<!\r)\n")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = ""
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:  # no password in logs
        user = f"{self.user}@" if self.user else ""
        return f"SmtpConfig({self.security}://{user}{self.host}:{self.port})"


def smtp_config() -> SmtpConfig | None:
    """The configured relay, or None when no host is set. Raises ImproperlyConfigured."""
    configured: Mapping[str, Any] = getattr(settings, "AMENDS_SMTP", None) or {}

    def value(key: str, default: str = "") -> str:
        if key in configured and configured[key] is not None:
            return str(configured[key])
        return os.environ.get(f"AMENDS_SMTP_{key.upper()}", default)

    host = value("host").strip()
    if not host:
        return None
    security = value("security", "starttls").strip().lower()
    if security not in SECURITY_CHOICES:
        raise ImproperlyConfigured(
            f"AMENDS_SMTP security is {security!r}; choose one of {', '.join(SECURITY_CHOICES)}"
        )
    try:
        port = int(value("port").strip() or DEFAULT_PORTS[security])
        timeout = float(value("timeout").strip() or DEFAULT_TIMEOUT)
    except ValueError as exc:
        raise ImproperlyConfigured(f"AMENDS_SMTP port or timeout is not a number: {exc}") from exc
    return SmtpConfig(
        host=host,
        port=port,
        security=security,
        user=value("user").strip(),
        password=value("password"),
        timeout=timeout,
    )


class SmtpFailure(Exception):
    """The mail did not certainly get through; ``str(exc)`` is the reason for people."""


class NotSent(SmtpFailure):
    """The server certainly does not have the mail. ``permanent``: it said 5xx."""

    def __init__(self, detail: str, *, permanent: bool = False, code: str = "") -> None:
        super().__init__(detail)
        self.permanent = permanent
        self.code = code  # the server's reply code, when it gave one


class Uncertain(SmtpFailure):
    """The final ``.`` left and no answer came: the mail may or may not be delivered."""


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())[:500]


def _refused(stage: str, code: int, reply: bytes | str) -> NotSent:
    return NotSent(f"{stage}: {code} {_text(reply)}", permanent=500 <= code < 600, code=str(code))


def dot_stuffed(raw: bytes) -> bytes:
    """The content as DATA sends it: CRLF line ends, leading dots doubled, ending CRLF.CRLF."""
    data = _BARE_LF.sub(b"\r\n", raw.replace(b"\r\r\n", b"\r\n"))
    data = _LINE_START_DOT.sub(b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class SmtpSession:
    """One connection to the relay. Use as a context manager; it says QUIT on the way out."""

    def __init__(self, config: SmtpConfig, *, local_hostname: str) -> None:
        self.config = config
        self.local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def smtp(self) -> smtplib.SMTP:
        if self._smtp is None:
            raise RuntimeError("open() the session first")
        return self._smtp

    def open(self) -> None:
        """Connect, greet, secure and log in. Raises :class:`NotSent`."""
        config = self.config
        where = f"{config.host}:{config.port}"
        context = ssl.create_default_context()
        try:
            if config.security == "tls":
                self._smtp = smtplib.SMTP_SSL(
                    local_hostname=self.local_hostname, timeout=config.timeout, context=context
                )
            else:
                self._smtp = smtplib.SMTP(
                    local_hostname=self.local_hostname, timeout=config.timeout
                )
            self._smtp.connect(config.host, config.port)
            self._smtp.ehlo_or_helo_if_needed()
            if config.security == "starttls":
                self._smtp.starttls(context=context)
                self._smtp.ehlo()
            if config.user:
                self._smtp.login(config.user, config.password)
        except smtplib.SMTPAuthenticationError as exc:
            detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise NotSent(f"login to {where} refused: {detail}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise NotSent(f"{where} does not support {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise NotSent(f"{where} refused the session: {detail}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(f"cannot reach {where}: {exc or type(exc).__name__}") from exc

    def envelope(self, sender: str, recipients: Sequence[str]) -> None:
        """MAIL FROM and RCPT TO. A refused recipient refuses the whole mail. Raises NotSent."""
        try:
            code, reply = self.smtp.mail(sender)
            if code != 250:
                raise _refused("MAIL FROM", code, reply)
            for recipient in recipients:
                code, reply = self.smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise _refused(f"RCPT TO <{recipient}>", code, reply)
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(f"connection lost before DATA: {exc or type(exc).__name__}") from exc

    def data(self, raw: bytes) -> str:
        """Send the mail; return the server's 250 answer. Raises NotSent or Uncertain."""
        smtp = self.smtp
        try:
            code, reply = smtp.docmd("DATA")
            if code != 354:
                raise _refused("DATA", code, reply)
            smtp.send(dot_stuffed(raw))
        except (OSError, smtplib.SMTPException) as exc:
            # sendall() failed, so the final "." did not leave: the server drops the mail.
            raise NotSent(f"connection lost during DATA: {exc or type(exc).__name__}") from exc
        try:
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise Uncertain(
                "the connection was lost after the whole mail was sent and before the server "
                f"answered ({exc or type(exc).__name__}): it may or may not have been delivered"
            ) from exc
        if code != 250:
            raise _refused("end of DATA", code, reply)
        return f"{code} {_text(reply)}"

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None
