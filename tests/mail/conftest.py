"""Fixtures shared by the mail tests: the loopback SMTP peer."""

from tests.mail.smtp_peer import smtp_peer  # noqa: F401
