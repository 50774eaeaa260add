"""Tracking numbers: a customer who pastes a number is understood without being asked which
carrier it is, and a phone number or an order number is never taken for a parcel."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.carriers import numbers
from amends.carriers.numbers import Candidate, is_valid, recognise

# Numbers published by the carriers themselves (UPS's test 1Zs and OpenAPI examples, DHL's
# developer-portal examples, PostNL's SDK examples).
PUBLISHED = [
    ("ups", "1ZCIETST0111111114"),
    ("ups", "1ZCIETST0422222228"),
    ("ups", "1Z204W4R0308071865"),
    ("ups", "1Z023E2X0214323462"),
    ("dhl", "00340434161094022115"),
    ("dhl", "00340434292135100124"),
    ("postnl", "3SDEVC172649258"),
    ("postnl", "3SDEVC6659149"),
]


@pytest.mark.parametrize(("carrier", "number"), PUBLISHED)
def test_published_numbers_are_valid_for_their_carrier_only(carrier: str, number: str) -> None:
    assert is_valid(carrier, number)
    others = {"dhl", "postnl", "seur", "colissimo", "dpd", "ups"} - {carrier}
    assert not any(is_valid(other, number) for other in others if other != "seur")


def test_upu_s10_check_digit() -> None:
    # 4*8 + 7*6 + 3*4 + 1*2 + 2*3 + 4*5 + 8*9 + 2*7 = 200; 11 - 200 mod 11 = 9.
    assert numbers.s10_check_digit("47312482") == 9
    assert numbers.s10_check_digit("12345678") == 5
    assert is_valid("colissimo", "CB123456785FR")
    assert not is_valid("colissimo", "CB123456789FR")  # wrong check digit
    assert is_valid("postnl", "RR473124829NL")
    assert not is_valid("postnl", "RR473124829FR")  # a French S10 is not PostNL's
    assert is_valid("colissimo", "RR473124829FR")


def test_s10_check_digit_special_cases() -> None:
    # 11 - sum mod 11 = 10 becomes 0, = 11 becomes 5 (UPU S10).
    serials = {numbers.s10_check_digit(f"{n:08d}") for n in range(0, 2000)}
    assert serials <= set(range(10))
    assert numbers.s10_check_digit("00000000") == 5


def test_iso_7064_mod_37_36() -> None:
    # The standard's own example (ISO/IEC 7064, hybrid system MOD 37,36).
    assert numbers.mod_37_36_check_char("A12425GABC1234002") == "M"
    assert numbers.mod_37_36_valid("A12425GABC1234002M")
    assert not numbers.mod_37_36_valid("A12425GABC1234002N")


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_every_dpd_parcel_number_with_its_check_character_is_valid(body: str) -> None:
    number = body + numbers.mod_37_36_check_char(body)
    assert is_valid("dpd", number)
    wrong = next(ch for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if ch != number[-1])
    assert not is_valid("dpd", body + wrong)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=15, max_size=15))
def test_ups_check_digit_round_trip(body: str) -> None:
    number = f"1Z{body}{numbers.ups_check_digit(body)}"
    assert is_valid("ups", number)
    assert not is_valid("ups", f"1Z{body}{(numbers.ups_check_digit(body) + 1) % 10}")


@given(st.integers(min_value=0, max_value=999_999_999))
def test_dhl_express_mod7_round_trip(serial: int) -> None:
    body = f"{serial:09d}"
    assert is_valid("dhl", f"{body}{int(body) % 7}")
    assert not is_valid("dhl", f"{body}{(int(body) % 7) + 1}")


def test_gs1_and_identcode_check_digits() -> None:
    # The GS1 mod-10 of the EAN-13 4006381333931 (check digit 1).
    assert numbers.gs1_check_digit("400638133393") == 1
    body = "34043416109"
    assert is_valid("dhl", body + str(numbers.identcode_check_digit(body)))
    assert not is_valid("dhl", body + str((numbers.identcode_check_digit(body) + 1) % 10))


def test_shapes_without_check_digits() -> None:
    assert is_valid("colissimo", "6A12345678901")
    assert is_valid("dhl", "JJD000390007654321")
    assert not is_valid("postnl", "3SDE172649258")  # customer code has 4 letters
    assert not is_valid("ups", "1Z204W4R030807186")  # one short
    assert not is_valid("ups", "")
    assert not is_valid("nobody", "1Z204W4R0308071865")


def test_normalise_drops_spaces_and_dashes() -> None:
    assert numbers.normalise(" 1z 204w-4r03 0807 1865 ") == "1Z204W4R0308071865"
    assert is_valid("ups", "1z 204w-4r03 0807 1865")


def test_recognise_finds_numbers_in_a_customers_message() -> None:
    message = (
        "Goedendag, mijn pakket 3SDEVC 1726 49258 is nog steeds niet bezorgd. "
        "The other one was sent with UPS: 1Z 204W 4R03 0807 1865.\n"
        "Et le colis Colissimo 6A12345678901 aussi."
    )
    assert recognise(message) == [
        Candidate("postnl", "3SDEVC172649258"),
        Candidate("ups", "1Z204W4R0308071865"),
        Candidate("colissimo", "6A12345678901"),
    ]


def test_recognise_reports_each_number_once_and_keeps_order() -> None:
    text = "1ZCIETST0111111114, again 1ZCIETST0111111114, and 00340434161094022115"
    assert recognise(text) == [
        Candidate("ups", "1ZCIETST0111111114"),
        Candidate("dhl", "00340434161094022115"),
    ]


def test_weak_formats_need_the_carrier_named_nearby() -> None:
    dpd = "01234567890123"
    express = "1234567891"  # 123456789 mod 7 = 1: a valid DHL Express waybill
    assert is_valid("dhl", express)
    assert recognise(f"Order {dpd} and invoice {express}") == []
    assert recognise(f"Mijn DPD pakket {dpd} is zoek") == [Candidate("dpd", dpd)]
    assert recognise(f"DHL Express waybill {express}") == [Candidate("dhl", express)]
    assert recognise("Envío SEUR número 30123456789") == [Candidate("seur", "30123456789")]


def test_no_false_positives_in_ordinary_text() -> None:
    text = (
        "Call me on +31 6 1234 5678 or 0612345678. IBAN NL91ABNA0417164300. "
        "Order #1002345678, postcode 1012 AB, 12-03-2024 at 14:30, EAN 8712345678906, "
        "price 1.234,56 EUR. Reference 2024031112345678."
    )
    assert recognise(text) == []


def test_a_number_inside_a_longer_token_is_not_a_number() -> None:
    assert recognise("X1Z204W4R0308071865") == []
    assert recognise("1Z204W4R03080718650") == []


def test_an_s10_of_another_country_is_not_claimed() -> None:
    assert recognise("RR473124829ES") == []
    assert recognise("RR473124829FR") == [Candidate("colissimo", "RR473124829FR")]


@given(st.text(max_size=400))
def test_recognise_never_fails_and_returns_only_valid_numbers(text: str) -> None:
    for candidate in recognise(text):
        assert is_valid(candidate.carrier, candidate.number)
        assert candidate.number == numbers.normalise(candidate.number)


def test_recognise_bounds_the_text_it_reads() -> None:
    padding = "x " * numbers.MAX_TEXT
    assert recognise(padding + "1ZCIETST0111111114") == []
    assert recognise("1ZCIETST0111111114 " + padding) == [Candidate("ups", "1ZCIETST0111111114")]
