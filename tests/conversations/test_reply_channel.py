"""A reply goes where the customer can read it, whichever way the case began."""

from __future__ import annotations

import pytest

from amends.cases.models import Channel
from amends.conversations.models import Message
from amends.conversations.services import case_reply, message_receive
from tests.factories import CaseFactory, TeamFactory, make_agent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("origin", "customer_wrote_by", "expected"),
    [
        (Channel.CARRIER, None, Channel.EMAIL),  # opened by a carrier event: the notice's way
        (Channel.SYSTEM, None, Channel.EMAIL),
        (Channel.CARRIER, Channel.CHAT, Channel.CHAT),  # then the customer chatted
        (Channel.WEB, None, Channel.WEB),
        (Channel.EMAIL, Channel.WEB, Channel.WEB),  # the latest way the customer used
    ],
)
def test_the_reply_channel(origin: str, customer_wrote_by: str | None, expected: str) -> None:
    team = TeamFactory()
    case = CaseFactory(team=team, origin_channel=origin)
    if customer_wrote_by:
        message_receive(case=case, text="Where is it?", channel=customer_wrote_by)
    reply = case_reply(case=case, actor=make_agent(team), text="It is on its way.")
    assert Message.objects.get(pk=reply.pk).channel == expected
