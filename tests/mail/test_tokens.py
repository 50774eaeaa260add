"""Reply-to tokens: they lead back to their case, and only to it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.mail import tokens
from tests.factories import CaseFactory


@given(case_id=st.integers(min_value=1, max_value=2**63 - 1))
def test_every_case_id_round_trips_in_lower_case_hex_of_at_most_30_characters(
    case_id: int,
) -> None:
    token = tokens.token_for(case_id)
    assert len(token) <= 30
    assert set(token) <= set("0123456789abcdef")
    assert tokens.case_id_from_token(token) == case_id
    # Mail servers may upper-case a local part.
    assert tokens.case_id_from_token(token.upper()) == case_id


@pytest.mark.django_db
def test_reply_address_names_the_case_and_survives_a_display_name_and_upper_case() -> None:
    case = CaseFactory()
    address = tokens.reply_address(case)
    local, _, domain = address.partition("@")
    assert domain == case.brand.sender_email.partition("@")[2]
    assert local.startswith(case.brand.sender_email.partition("@")[0] + "+")
    assert tokens.case_id_from_address(address) == case.pk
    assert tokens.case_id_from_address(address.upper()) == case.pk
    assert tokens.case_id_from_address(f'"Shop, support" <{address}>') == case.pk


def test_a_sub_address_before_the_token_is_kept_apart() -> None:
    token = tokens.token_for(42)
    assert tokens.case_id_from_address(f"support+fr+{token}@shop.example") == 42


def _altered(token: str, index: int) -> str:
    digit = token[index]
    return token[:index] + ("0" if digit != "0" else "1") + token[index + 1 :]


def test_altered_forged_and_truncated_tokens_lead_nowhere() -> None:
    token = tokens.token_for(1234)
    # Every single changed digit, in the id or in the HMAC, is refused.
    for index in range(len(token)):
        assert tokens.case_id_from_token(_altered(token, index)) is None, index
    assert tokens.case_id_from_token(token[:-1]) is None
    assert tokens.case_id_from_token(token[1:]) is None
    assert tokens.case_id_from_token(token + "0") is None
    # Another case's id with this case's HMAC.
    assert tokens.case_id_from_token("4d3" + token[-tokens.MAC_CHARS :]) is None
    # An HMAC made with another key.
    other = tokens._mac(1234, secret="not the key")
    assert tokens.case_id_from_token(f"{1234:x}{other}") is None
    # The same id written with a leading zero.
    assert tokens.case_id_from_token("0" + token) is None


@pytest.mark.parametrize(
    "address",
    [
        "",
        "support@shop.example",
        "support+@shop.example",
        "support+xyz@shop.example",
        "support+12 34@shop.example",
        "+@",
        "not an address",
        "support+" + "a" * 31 + "@shop.example",
        "support+\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662\u0663\u0664\u0665@x",
    ],
)
def test_addresses_without_a_valid_token_lead_nowhere(address: str) -> None:
    assert tokens.case_id_from_address(address) is None


def test_a_token_made_before_the_key_was_rotated_is_still_read(settings: Any) -> None:
    token = tokens.token_for(77)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new key, long enough to be a real one, 0123456789abcdef"
    assert tokens.token_for(77) != token
    assert tokens.case_id_from_token(token) == 77
    settings.SECRET_KEY_FALLBACKS = []
    assert tokens.case_id_from_token(token) is None
