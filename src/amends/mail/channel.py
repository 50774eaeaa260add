"""Email as a channel: how its mail is read, and how replies leave."""

from __future__ import annotations


def register_email_channel() -> None:
    from amends.channels.registry import register
    from amends.inbound.services import register_processor
    from amends.mail.outbound import EmailAdapter
    from amends.mail.processing import prepare_mail, process_mail, quarantined

    register(EmailAdapter())
    register_processor("email", process_mail, on_quarantine=quarantined, prepare=prepare_mail)
