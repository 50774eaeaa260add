"""The five customer stories of MISSION.md, each played through the services."""

from __future__ import annotations

from collections.abc import Callable

from amends.cases.models import Case
from amends.demo.reference import DemoWorld
from amends.demo.stories import desk, niels, premium, price_drop, telecom

Story = Callable[[DemoWorld], list[Case]]

# (title, customer's email, the story)
STORIES: list[tuple[str, str, Story]] = [
    ("Three broken orders (FR, English-speaking premium member)", premium.EMAIL, premium.play),
    ("Two failed DHL deliveries, returned to sender (NL)", niels.EMAIL, niels.play),
    ("Bounced between six people, then hung up on (FR telecom shop)", telecom.EMAIL, telecom.play),
    ("Damaged desk from a third-party seller, broken callback (ES)", desk.EMAIL, desk.play),
    ("Price drop within seven days (DE)", price_drop.EMAIL, price_drop.play),
]

STORY_EMAILS = tuple(email for _, email, _ in STORIES)
