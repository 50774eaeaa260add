#!/usr/bin/env bash
# Install amends into .venv and start the demo: one process, SQLite under ./var, demo data,
# the whole product on http://127.0.0.1:8000/ with the background worker running in-process.
#
# usage: bash scripts/demo.sh [--port 8000] [--data-dir ./var] [--host 127.0.0.1] [--cases 300]
#
# Arguments go to `amends demo`. Run it again at any time: it reopens the same database and
# loads the demo data only once. Needs Python 3.11 or newer and npm (the front-end libraries
# come from the npm registry, locked by package-lock.json).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv
pip_install ""
vendor_install
messages_compile
e5_engine_build
exec "$VENV/bin/amends" demo "$@"
