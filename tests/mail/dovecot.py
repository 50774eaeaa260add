"""A real Dovecot IMAP server on loopback for the mail tests, and helpers to fill its folders.

Import the ``dovecot`` fixture into a test module. One server serves the whole session (it starts
in well under a second, but once is enough); each test works in folders of its own. Without
Dovecot installed the tests are skipped, except under CI, where a missing server is a failure
(``scripts/system-deps.sh`` installs ``dovecot-imapd``).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
USER = "support"
PASSWORD = "imap-test-password"
START_SECONDS = 20.0

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
{ssl_section}
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is answered at once (a test tries one on purpose).
auth_failure_delay = 0
{users_section}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
  # No growing delay for logins after a wrong password (a test tries one on purpose).
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


@dataclass
class Dovecot:
    """A running Dovecot with one user, ``USER``, whose password is ``PASSWORD``."""

    host: str
    port: int  # plain IMAP, with STARTTLS when there is a certificate
    root: Path
    process: subprocess.Popen[bytes]
    tls_port: int = 0  # IMAP over TLS; 0 when openssl could not make a certificate
    certificate: Path | None = None  # self-signed, for localhost and 127.0.0.1

    user: str = USER
    password: str = PASSWORD

    def client(self) -> Any:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def new_folder() -> str:
    """A folder name no other test uses."""
    return f"t{uuid.uuid4().hex[:12]}"


def append(server: Dovecot, folder: str, messages: Iterable[bytes]) -> None:
    """APPEND the messages to the folder (created if missing), in order."""
    client = server.client()
    try:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        batch: list[bytes] = []
        for raw in messages:
            batch.append(raw)
            if len(batch) == 100:
                client.multiappend(folder, batch)
                batch = []
        if batch:
            client.multiappend(folder, batch)
    finally:
        client.logout()


def folder_state(server: Dovecot, folder: str) -> dict[int, tuple[bytes, ...]]:
    """UID → flags of every message in the folder."""
    client = server.client()
    try:
        if not client.folder_exists(folder):
            return {}
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return {}
        fetched = client.fetch(uids, ["FLAGS"])
        return {int(uid): tuple(data[b"FLAGS"]) for uid, data in fetched.items()}
    finally:
        client.logout()


def uidvalidity(server: Dovecot, folder: str) -> int:
    client = server.client()
    try:
        return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])
    finally:
        client.logout()


def recreate(server: Dovecot, folder: str) -> None:
    """Delete the folder and create it again: its UIDs start over under a new UIDVALIDITY."""
    client = server.client()
    try:
        client.delete_folder(folder)
        client.create_folder(folder)
    finally:
        client.logout()


def message(number: int, *, tag: str, size: int = 0) -> bytes:
    """A small plain-text mail with a Message-ID of its own."""
    body = f"Hello, this is message {number}.\r\n" + ("x" * 70 + "\r\n") * (size // 72)
    return (
        f"From: Customer {number} <customer{number}@mail.test>\r\n"
        f"To: support@shop.test\r\n"
        f"Subject: Question {number}\r\n"
        f"Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n"
        f"Message-ID: <{tag}.{number}@mail.test>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n"
        f"\r\n"
        f"{body}"
    ).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            return conn.recv(4).startswith(b"* OK")
    except OSError:
        return False


def _certificate(root: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for localhost and 127.0.0.1, or None without openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = root / "cert.pem", root / "key.pem"
    command = [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    command += ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    command += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _prepare(root: Path, port: int, tls_port: int) -> Path | None:
    """Config, users file and home under ``root``. Dovecot refuses mail users with uid 0, so as
    root the mail user is nobody (65534); otherwise Dovecot runs as the current user."""
    home = root / "home"
    for sub in ("run", "state", "home"):
        (root / sub).mkdir(exist_ok=True)
    root.chmod(0o755)
    if os.geteuid() == 0:
        uid = gid = 65534
        os.chown(home, uid, gid)
        users_section = ""
    else:
        uid, gid = os.getuid(), os.getgid()
        me, group = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name
        users_section = (
            f"default_login_user = {me}\ndefault_internal_user = {me}\n"
            f"default_internal_group = {group}\n"
        )
    users = root / "users"
    users.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{home}::\n")
    users.chmod(0o644)  # read by the auth process, which runs as the dovecot user
    pair = _certificate(root)
    if pair is None:
        ssl_section, tls_port = "ssl = no", 0
    else:
        ssl_section = f"ssl = yes\nssl_cert = <{pair[0]}\nssl_key = <{pair[1]}"
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            port=port,
            tls_port=tls_port,
            users_section=users_section,
            ssl_section=ssl_section,
        )
    )
    return pair[0] if pair is not None else None


def start_dovecot() -> Dovecot:
    """Start Dovecot on a free loopback port; raises RuntimeError with its log if it cannot."""
    last_log = ""
    for _attempt in range(3):  # another process may take the free port before Dovecot binds it
        root = Path(tempfile.mkdtemp(prefix="amends-dovecot-"))
        port = tls_port = _free_port()
        while tls_port == port:
            tls_port = _free_port()
        certificate = _prepare(root, port, tls_port)
        process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        server = Dovecot(
            host="127.0.0.1",
            port=port,
            root=root,
            process=process,
            tls_port=tls_port if certificate is not None else 0,
            certificate=certificate,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if _accepts(port):
                return server
            time.sleep(0.05)
        last_log = server.log()
        server.stop()
    raise RuntimeError(f"Dovecot did not start:\n{last_log}")


_shared: Dovecot | None = None


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """The session's Dovecot (one even when several modules import this fixture)."""
    global _shared
    if not DOVECOT.exists():
        reason = f"Dovecot is not installed ({DOVECOT}); scripts/system-deps.sh installs it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    if _shared is None or _shared.process.poll() is not None:
        _shared = start_dovecot()
    yield _shared
    if _shared is not None:
        _shared.stop()
        _shared = None
