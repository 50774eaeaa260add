#!/usr/bin/env bash
# Fetch the front-end libraries locked in package-lock.json (npm ci, skipped when node_modules
# is current) and copy the files the pages load into src/amends/web/static/vendor/.
#
# scripts/test.sh and scripts/demo.sh run this step themselves; run it by hand before building
# a wheel (`python -m build`), which packs the vendor folder through pyproject's package-data.
# It also compiles the translations (src/amends/locale/*/LC_MESSAGES/django.mo) for the wheel.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

vendor_install
messages_compile
say "front-end libraries in ${VENDOR_DIR#"$AMENDS_ROOT"/}: $(cd "$VENDOR_DIR" && find . -name '*.js' | sort | tr '\n' ' ')"
