"""Keep each language's informal catalogue (informal.po) in step with its main one (django.po).

usage: .venv/bin/python scripts/informal_catalogue.py [--check]

For every customer-facing message of django.po (where it occurs decides, by
amends.core.register.is_customer_facing, the rule tests/i18n/test_register.py checks by),
informal.po gets an entry with the same msgid; a new one starts empty, with the formal wording
as a translator comment to work from. Entries whose message is gone from django.po are dropped.
Translations already in informal.po are kept. Prints one JSON line: per language, how many were
added, dropped and are still empty. With --check nothing is written and the exit code is 1 when
anything would change.
See docs/adr/0016-formal-and-informal-catalogues.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polib

from amends.core.register import is_customer_facing

LOCALE = Path(__file__).resolve().parents[1] / "src" / "amends" / "locale"
LANGUAGES = ("fr", "nl", "de", "es", "it", "pl", "lt")


def customer_facing(entry: polib.POEntry) -> bool:
    return is_customer_facing(msgid=entry.msgid, paths=(path for path, _ in entry.occurrences))


def sync(language: str, *, write: bool) -> dict[str, int]:
    folder = LOCALE / language / "LC_MESSAGES"
    main = polib.pofile(str(folder / "django.po"))
    path = folder / "informal.po"
    if path.exists():
        informal = polib.pofile(str(path))
    else:
        informal = polib.POFile()
        informal.metadata = dict(main.metadata)
        informal.header = f"Informal wording of the customer-facing messages ({language})."
    wanted = {(e.msgctxt, e.msgid): e for e in main if customer_facing(e) and not e.obsolete}
    have = {(e.msgctxt, e.msgid): e for e in informal if not e.obsolete}
    added = dropped = 0
    for key, source in wanted.items():
        entry = have.get(key)
        if entry is None:
            formal = (
                " | ".join(v for _k, v in sorted(source.msgstr_plural.items()))
                if source.msgid_plural
                else source.msgstr
            )
            entry = polib.POEntry(
                msgid=source.msgid,
                msgctxt=source.msgctxt,
                msgid_plural=source.msgid_plural,
                msgstr="",
                msgstr_plural=dict.fromkeys(source.msgstr_plural, "")
                if source.msgid_plural
                else {},
                tcomment=f"formal: {formal}",
            )
            informal.append(entry)
            added += 1
        entry.occurrences = source.occurrences
        # python-format and friends: msgfmt -c then checks the placeholders of both catalogues.
        entry.flags = [f for f in source.flags if f != "fuzzy"] + (
            ["fuzzy"] if "fuzzy" in entry.flags else []
        )
    for key, entry in have.items():
        if key not in wanted:
            informal.remove(entry)
            dropped += 1
    for entry in [e for e in informal if e.obsolete]:
        informal.remove(entry)
        dropped += 1
    empty = sum(
        1 for e in informal if not (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
    )
    informal.sort(key=lambda e: (e.occurrences[0] if e.occurrences else ("", ""), e.msgid))
    if write and (added or dropped or not path.exists()):
        informal.save(str(path))
    return {"added": added, "dropped": dropped, "empty": empty, "total": len(informal)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args()
    report = {lang: sync(lang, write=not args.check) for lang in LANGUAGES}
    print(json.dumps(report))
    stale = any(r["added"] or r["dropped"] for r in report.values())
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
