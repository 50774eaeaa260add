"""A real SMTP server on loopback for tests: aiosmtpd, recording what it accepts.

Use the ``smtp_peer`` fixture (import it into the test module or a conftest): it starts a server
on a free port of 127.0.0.1 and points ``settings.AMENDS_SMTP`` at it. The test can tell the
server how to answer the next mails::

    smtp_peer.answer("451 4.3.0 Try again later")           # the next DATA gets 451
    smtp_peer.answer("550 5.1.1 No such user", stage="rcpt") # the next RCPT TO gets 550
    smtp_peer.drop_during_data()   # read the whole mail, then close without answering
    smtp_peer.stop(); smtp_peer.start()                      # down, then back on the same port

``smtp_peer.received`` lists the mails it answered 250 to, in order.
"""

from __future__ import annotations

import email.policy
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

DROP = "drop"
STAGES = ("rcpt", "data")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def message(self) -> EmailMessage:
        return BytesParser(policy=email.policy.default).parsebytes(self.data)


@dataclass
class _Plan:
    """What to answer next, per stage; an empty queue means accept."""

    queues: dict[str, deque[str]] = field(default_factory=lambda: {s: deque() for s in STAGES})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, stage: str) -> str:
        with self.lock:
            queue = self.queues[stage]
            return queue.popleft() if queue else ""


class _Handler:
    def __init__(self, peer: SmtpPeer) -> None:
        self.peer = peer

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        reply = self.peer.plan.take("rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        action = self.peer.plan.take("data")
        content = envelope.original_content or b""
        if action == DROP:
            self.peer.dropped.append(content)
            if server.transport is not None:
                server.transport.close()
            return "250 OK (never heard)"
        if action:
            return action
        self.peer.received.append(
            Received(
                mail_from=str(envelope.mail_from),
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=content,
            )
        )
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SmtpPeer:
    """An SMTP server on 127.0.0.1 that keeps the mail it accepts."""

    host = "127.0.0.1"

    def __init__(self, *, port: int | None = None, user: str = "", password: str = "") -> None:
        self.port = port or free_port()
        self.user = user
        self.password = password
        self.plan = _Plan()
        self.received: list[Received] = []
        self.dropped: list[bytes] = []
        self.logins: list[str] = []
        self._controller: Controller | None = None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.user
            and data.password.decode() == self.password
        )
        if ok:
            self.logins.append(self.user)
        return AuthResult(success=ok, handled=False)  # the server answers 235 or 535

    def start(self) -> None:
        if self._controller is not None:
            return
        kwargs: dict[str, Any] = {}
        if self.user:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            server_hostname="peer.test",
            ready_timeout=10.0,
            **kwargs,
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def answer(self, reply: str, *, stage: str = "data", times: int = 1) -> None:
        """Answer the next ``times`` commands of ``stage`` (``"rcpt"`` or ``"data"``) so."""
        if stage not in STAGES:
            raise ValueError(f"stage is one of {STAGES}")
        with self.plan.lock:
            self.plan.queues[stage].extend([reply] * times)

    def drop_during_data(self, *, times: int = 1) -> None:
        """Read the next mail to its final dot, then close the connection without answering."""
        self.answer(DROP, times=times)

    def settings(self, **overrides: object) -> dict[str, object]:
        """A value for ``settings.AMENDS_SMTP`` that reaches this server."""
        return {
            "host": self.host,
            "port": self.port,
            "security": "none",
            "user": self.user,
            "password": self.password,
            "timeout": 10,
            **overrides,
        }


@pytest.fixture
def smtp_peer(settings: Any) -> Iterator[SmtpPeer]:
    """A running SMTP server; ``settings.AMENDS_SMTP`` points at it for the test."""
    peer = SmtpPeer()
    peer.start()
    settings.AMENDS_SMTP = peer.settings()
    try:
        yield peer
    finally:
        peer.stop()
