"""The bytes of outgoing mail: headers a mail program threads by, and no header injection."""

from __future__ import annotations

import datetime as dt
import email.policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.mail.compose import (
    REFERENCES_MAX,
    Draft,
    Party,
    UnusableAddress,
    ascii_address,
    compose,
    header_text,
    reply_subject,
    thread_references,
)

NOW = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)


def _draft(**overrides: object) -> Draft:
    values: dict[str, object] = {
        "message_id": "0f3c.42@shop.example",
        "sender": Party("Shop FR", "support@shop.example"),
        "recipient": Party("Claire Dubois", "claire@mail.test"),
        "reply_to": Party("Shop FR", "support+2aabc@shop.example"),
        "subject": "Re: [AM-000042] La lampe est arrivée cassée",
        "body": "Bonjour Claire,\n\nle remboursement est parti.\n.\nCordialement",
        "date": NOW,
        "in_reply_to": "m1@mail.test",
        "references": ["m0@mail.test", "m1@mail.test"],
        "language": "fr",
    }
    values.update(overrides)
    return Draft(**values)  # type: ignore[arg-type]


def _parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=email.policy.default).parsebytes(raw)


def test_a_reply_has_every_header_a_mail_program_needs() -> None:
    raw = compose(_draft())
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    raw.decode("ascii")  # 7-bit clean: the text is quoted-printable, names are RFC 2047
    mail = _parse(raw)
    assert mail["Message-ID"] == "<0f3c.42@shop.example>"
    assert mail["In-Reply-To"] == "<m1@mail.test>"
    assert mail["References"] == "<m0@mail.test> <m1@mail.test>"
    assert mail["Subject"] == "Re: [AM-000042] La lampe est arrivée cassée"
    assert str(mail["From"]) == "Shop FR <support@shop.example>"
    assert str(mail["To"]) == "Claire Dubois <claire@mail.test>"
    assert mail["Reply-To"].addresses[0].addr_spec == "support+2aabc@shop.example"
    assert mail["Date"].datetime == NOW
    assert mail["MIME-Version"] == "1.0"
    assert mail["Content-Language"] == "fr"
    assert mail["Content-Transfer-Encoding"] == "quoted-printable"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n") == (
        "Bonjour Claire,\n\nle remboursement est parti.\n.\nCordialement\n"
    )
    assert "Auto-Submitted" not in mail
    assert "X-Auto-Response-Suppress" not in mail


def test_automatic_mail_asks_not_to_be_answered_automatically() -> None:
    mail = _parse(compose(_draft(automatic=True)))
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Auto-Response-Suppress"] == "All"


def test_long_ids_stay_ids_when_the_header_is_folded() -> None:
    long_id = "CAH" + "x" * 150 + "@mail.gmail.com"
    ids = [long_id, *[f"m{i}@mail.test" for i in range(6)]]
    raw = compose(_draft(in_reply_to=long_id, references=ids))
    assert b"=?" not in raw.split(b"\r\n\r\n")[0].split(b"Subject:")[0]  # no encoded words
    mail = _parse(raw)
    assert mail["In-Reply-To"] == f"<{long_id}>"
    assert mail["References"].split() == [f"<{i}>" for i in ids]
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_references_keep_the_first_and_the_latest() -> None:
    ids = [f"m{i}@mail.test" for i in range(50)]
    kept = thread_references(ids)
    assert len(kept) == REFERENCES_MAX
    assert kept[0] == "m0@mail.test"
    assert kept[-1] == "m49@mail.test"
    assert kept[1:] == ids[-(REFERENCES_MAX - 1) :]
    assert thread_references(["a@x", "a@x", "b@x"]) == ["a@x", "b@x"]


INJECTIONS = [
    "x\r\nBcc: victim@x",
    "x\nBcc: victim@x",
    "x\rBcc: victim@x",
    "x\u2028Bcc: victim@x",
    "x\u2029Bcc: victim@x",
    "x\x85Bcc: victim@x",
    "x\x0bBcc: victim@x\x0c",
    "x\x00\r\n\r\nBody injected",
    "=?utf-8?q?x=0D=0ABcc=3A_victim=40x?=",
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_no_field_can_add_a_header_or_end_the_headers(evil: str) -> None:
    raw = compose(
        _draft(
            subject=evil,
            sender=Party(evil, "support@shop.example"),
            recipient=Party(evil, "claire@mail.test"),
            reply_to=Party(evil, "support+2aabc@shop.example"),
            in_reply_to=evil,
            references=[evil, "m1@mail.test"],
            language=evil,
        )
    )
    mail = _parse(raw)
    assert "Bcc" not in mail
    assert mail.get_all("Subject")
    assert len(mail.get_all("Subject") or []) == 1
    assert [a.addr_spec for a in mail["To"].addresses] == ["claire@mail.test"]
    assert [a.addr_spec for a in mail["From"].addresses] == ["support@shop.example"]
    assert "Content-Language" not in mail
    assert mail["References"] == "<m1@mail.test>"
    assert "In-Reply-To" not in mail
    assert mail.get_content().startswith("Bonjour Claire")
    assert not mail.defects
    header_block = raw.split(b"\r\n\r\n")[0]
    assert b"\r\nBcc" not in header_block
    assert b"\r\nBody" not in header_block


def test_an_encoded_word_in_a_subject_is_shown_as_text_not_decoded() -> None:
    # The standard library would decode it and write the line break it hides as is.
    evil = "=?utf-8?q?x=0D=0ABcc=3A_victim=40x?="
    mail = _parse(compose(_draft(subject=evil)))
    assert mail["Subject"] == "= ?utf-8?q?x=0D=0ABcc=3A_victim=40x?="
    assert "Bcc" not in mail


_TRICKY = st.sampled_from(
    [
        *'=?qQbB_ \r\n\t:<>@",;\\()\u2028\x85é✓',
        "=?utf-8?q?",
        "=0D=0A",
        "?=",
        "<x@evil.test>",
        "\r\nBcc: v@x",
        "x" * 30,
    ]
)


@given(text=st.one_of(st.text(max_size=300), st.lists(_TRICKY, max_size=60).map("".join)))
def test_any_subject_and_name_stay_one_header_each(text: str) -> None:
    raw = compose(
        _draft(
            subject=text,
            sender=Party(text, "support@shop.example"),
            recipient=Party(text, "claire@mail.test"),
            reply_to=Party(text, "support+2aabc@shop.example"),
        )
    )
    mail = _parse(raw)
    names = [name.lower() for name in mail]
    assert names.count("subject") == 1
    assert names.count("from") == 1
    assert names.count("to") == 1
    assert set(names) <= {
        "date", "from", "to", "reply-to", "subject", "message-id", "in-reply-to",
        "references", "content-type", "content-transfer-encoding", "mime-version",
        "content-language",
    }  # fmt: skip
    assert [a.addr_spec for a in mail["To"].addresses] == ["claire@mail.test"]
    assert [a.addr_spec for a in mail["From"].addresses] == ["support@shop.example"]
    assert not mail.defects
    assert not mail["To"].defects
    # Folding may move or drop whitespace (the standard library's reader adds a space between
    # encoded words, and folds other whitespace characters away): compare what is not blank.
    assert "".join(mail["Subject"].split()) == "".join(header_text(text, limit=250).split())
    shown = mail["To"].addresses[0].display_name
    assert shown.replace(" ", "") == header_text(text, limit=120).replace(" ", "")


def test_a_long_name_that_holds_an_address_stays_a_name() -> None:
    # The standard library drops the quotes when it folds such a name: the address inside
    # would become the recipient.
    name = "=====<x@evil.test>" + "x" * 70
    mail = _parse(compose(_draft(recipient=Party(name, "claire@mail.test"))))
    (address,) = mail["To"].addresses
    assert address.addr_spec == "claire@mail.test"
    assert address.display_name.replace(" ", "") == name


def test_display_names_with_quotes_commas_and_brackets_are_quoted() -> None:
    name = 'Shop "Best", <evil@x.test>; other@y.test'
    mail = _parse(compose(_draft(sender=Party(name, "support@shop.example"))))
    (address,) = mail["From"].addresses
    assert address.addr_spec == "support@shop.example"
    assert address.display_name == name


def test_an_international_domain_is_written_in_ascii() -> None:
    assert ascii_address("Claire@Bücher.Example") == "Claire@xn--bcher-kva.example"
    mail = _parse(compose(_draft(recipient=Party("Jürgen", "juergen@bücher.example"))))
    assert mail["To"].addresses[0].addr_spec == "juergen@xn--bcher-kva.example"
    assert mail["To"].addresses[0].display_name == "Jürgen"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "claire",
        "@mail.test",
        "claire@",
        "clàire@mail.test",
        "cl aire@mail.test",
        "claire@mail..test",
        "claire@mail.test>, victim@x.test",
        "claire@mail.test\r\nBcc: victim@x.test",
    ],
)
def test_addresses_no_server_would_take_are_refused(address: str) -> None:
    with pytest.raises(UnusableAddress):
        ascii_address(address)


def test_a_bad_message_id_is_a_bug_not_a_mail() -> None:
    with pytest.raises(ValueError, match="not a Message-ID"):
        compose(_draft(message_id="no at sign"))


@pytest.mark.parametrize(
    ("subject", "answering", "expected"),
    [
        ("La lampe", False, "[AM-000042] La lampe"),
        ("La lampe", True, "Re: [AM-000042] La lampe"),
        ("RE: Re : AW: La lampe", True, "Re: [AM-000042] La lampe"),
        ("Re: [AM-000042] La lampe", True, "Re: [AM-000042] La lampe"),
        ("Fwd: La lampe", False, "[AM-000042] Fwd: La lampe"),
        ("", False, "[AM-000042]"),
        ("x\r\nBcc: victim@x", True, "Re: [AM-000042] x Bcc: victim@x"),
    ],
)
def test_the_subject_carries_the_reference_once(
    subject: str, answering: bool, expected: str
) -> None:
    assert reply_subject(subject, reference="AM-000042", answering=answering) == expected
