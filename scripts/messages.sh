#!/usr/bin/env bash
# Extract every translatable message into the catalogues of all languages, then bring each
# language's informal catalogue in step (scripts/informal_catalogue.py). Translate what is new
# (empty or fuzzy entries) in src/amends/locale/<lang>/LC_MESSAGES/django.po and informal.po;
# scripts/test.sh compiles them and tests/i18n checks them.
#
# usage: bash scripts/messages.sh
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
cd "$AMENDS_ROOT/src/amends"
# --add-location=file: where a message is used decides whether customers read it (see
# docs/adr/0016-formal-and-informal-catalogues.md); line numbers would only add noise to diffs.
# Settings are loaded only to find the apps; a throwaway data folder keeps ./var out of src/.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
AMENDS_DATA_DIR=$scratch DJANGO_SETTINGS_MODULE=amends.config.settings \
    "$VENV/bin/django-admin" makemessages \
    --all --add-location=file --no-wrap --ignore 'static/vendor/*'
# makemessages keeps vanished messages as obsolete (#~) entries; they are dropped here.
"$VENV/bin/python" - <<'PY'
from pathlib import Path

import polib

for path in sorted(Path("locale").glob("*/LC_MESSAGES/django.po")):
    po = polib.pofile(str(path), wrapwidth=0)
    gone = [e for e in po if e.obsolete]
    for entry in gone:
        po.remove(entry)
    if gone:
        po.save(str(path))
PY
"$VENV/bin/python" "$AMENDS_ROOT/scripts/informal_catalogue.py"
