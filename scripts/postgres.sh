#!/usr/bin/env bash
# Make sure a PostgreSQL server is reachable for the tests, and print its DATABASE_URL.
#
#   bash scripts/postgres.sh            → postgres://amends:amends@127.0.0.1:5432/amends
#
# In order:
#   1. a server answering on 127.0.0.1:5432 is used as it is;
#   2. PostgreSQL installed but stopped: its Debian cluster is started (pg_ctlcluster);
#   3. PostgreSQL not installed: apt-get install postgresql, then 2 (services do not start on
#      install everywhere);
#   4. a cluster that will not start, or a server we cannot log in to as a superuser: a
#      throwaway cluster (initdb) under $AMENDS_PG_TMP (default /tmp/amends-pg), on a free port,
#      owned by the `postgres` user when run as root. It is reused by later runs.
# Then it creates the role `amends` (password `amends`, may create databases: the test runner
# creates its own test databases) and the database `amends`.
#
# Idempotent. Prints only the URL on stdout; says something on stderr only when it had to act.
#
# Environment:
#   AMENDS_PG_HOST, AMENDS_PG_PORT  where to look first (127.0.0.1, 5432)
#   AMENDS_PG_TMP                   folder of the throwaway cluster (/tmp/amends-pg)
#   AMENDS_PG_THROWAWAY=1           skip 1–3 and use the throwaway cluster
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOST=${AMENDS_PG_HOST:-127.0.0.1}
PORT=${AMENDS_PG_PORT:-5432}
TMP_CLUSTER=${AMENDS_PG_TMP:-${TMPDIR:-/tmp}/amends-pg}
ROLE=amends
PASSWORD=amends
DATABASE=amends
export PGCONNECT_TIMEOUT=5

answers() { # answers HOST PORT: does a PostgreSQL server accept connections there?
    pg_isready -q -h "$1" -p "$2" -t 3 >/dev/null 2>&1
}

port_open() { # something (anything) listens on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_bindir() { # the newest installed server's bin folder
    local dir
    dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
    elif command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
    else
        return 1
    fi
}

server_installed() { pg_bindir >/dev/null 2>&1; }

# Run a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user to own the cluster"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

SUPER=() # a psql command line that logs in as a superuser, once found

find_superuser_login() { # find_superuser_login HOST PORT [SOCKET_DIR]
    local host=$1 port=$2 socket=${3:-}
    if psql -X -q -w -h "$host" -p "$port" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        SUPER=(psql -X -q -w -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres -d postgres)
        return 0
    fi
    # Debian's default: peer authentication for the postgres user on the local socket.
    local sockdir=${socket:-/var/run/postgresql}
    if [ -S "$sockdir/.s.PGSQL.$port" ] &&
        as_owner psql -X -q -w -h "$sockdir" -p "$port" -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        SUPER=(as_owner psql -X -q -w -v ON_ERROR_STOP=1 -h "$sockdir" -p "$port" -d postgres)
        return 0
    fi
    return 1
}

url_for() { echo "postgres://$ROLE:$PASSWORD@$1:$2/$DATABASE"; }

works() { # works URL: can the amends role log in and use its database?
    psql -X -q -w "$1" -Atc 'select 1' >/dev/null 2>&1
}

provision() { # create the role and the database through $SUPER; idempotent
    local out
    if ! out=$("${SUPER[@]}" 2>&1 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
SQL
    ); then
        say "$out"
        return 1
    fi
    if [ -z "$("${SUPER[@]}" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" 2>/dev/null)" ]; then
        "${SUPER[@]}" -c "CREATE DATABASE $DATABASE OWNER $ROLE" >/dev/null || return 1
    fi
}

finish() { # finish HOST PORT [SOCKET_DIR]: provision, check, print the URL
    local url
    url=$(url_for "$1" "$2")
    if find_superuser_login "$1" "$2" "${3:-}"; then
        provision || return 1
    elif ! works "$url"; then
        say "PostgreSQL on $1:$2 answers, but neither the postgres superuser nor '$ROLE' can log in"
        return 1
    fi
    works "$url" || {
        say "the role '$ROLE' cannot log in to $1:$2 (check pg_hba.conf)"
        return 1
    }
    echo "$url"
}

# --- 4. the throwaway cluster -----------------------------------------------------------------

free_port() {
    local p
    for p in $(seq 54329 54429); do
        if ! port_open "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

throwaway() {
    local bindir data="$TMP_CLUSTER/data" port
    bindir=$(pg_bindir) || die "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    if [ -f "$TMP_CLUSTER/port" ]; then
        port=$(cat "$TMP_CLUSTER/port")
        if [ -f "$data/PG_VERSION" ] && answers 127.0.0.1 "$port" &&
            finish 127.0.0.1 "$port" "$TMP_CLUSTER"; then
            return 0
        fi
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a throwaway PostgreSQL cluster in $TMP_CLUSTER…"
        rm -rf "$TMP_CLUSTER"
        mkdir -p "$TMP_CLUSTER"
        chmod 700 "$TMP_CLUSTER"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$TMP_CLUSTER"
        local locale=C.UTF-8
        locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || locale=C
        as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 \
            --locale="$locale" --no-sync >"$TMP_CLUSTER/initdb.log" 2>&1 || {
            cat "$TMP_CLUSTER/initdb.log" >&2
            die "initdb failed"
        }
    fi
    # A stale server of ours may still hold the folder: stop it before starting afresh.
    if as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    port=$(free_port) || die "no free port for a throwaway PostgreSQL between 54329 and 54429"
    say "starting the throwaway PostgreSQL cluster on 127.0.0.1:$port…"
    as_owner "$bindir/pg_ctl" -D "$data" -l "$TMP_CLUSTER/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $TMP_CLUSTER -c fsync=off" start \
        >/dev/null 2>&1 || {
        tail -n 20 "$TMP_CLUSTER/server.log" >&2
        die "the throwaway PostgreSQL cluster did not start"
    }
    echo "$port" | as_owner tee "$TMP_CLUSTER/port" >/dev/null
    finish 127.0.0.1 "$port" "$TMP_CLUSTER" || die "could not set up the throwaway cluster"
}

# --- 1–3. the machine's own server ------------------------------------------------------------

system_cluster() {
    # 3. nothing installed: install the server (and its client programs)
    if ! server_installed; then
        if port_open "$PORT" && command -v psql >/dev/null 2>&1; then
            : # a server we did not install answers; the client is enough
        elif port_open "$PORT"; then
            apt_install postgresql-client
        else
            apt_install postgresql
        fi
    elif ! command -v psql >/dev/null 2>&1; then
        apt_install postgresql-client
    fi

    # 1. a server answers where we look first
    if answers "$HOST" "$PORT"; then
        finish "$HOST" "$PORT" && return 0
        return 1
    fi

    # 2. installed but stopped: start its Debian cluster
    command -v pg_lsclusters >/dev/null 2>&1 || return 1
    local version name port status
    read -r version name port status _ < <(pg_lsclusters -h 2>/dev/null | sort -k3,3 | head -n 1) || true
    if [ -z "${version:-}" ]; then
        say "PostgreSQL is installed but has no cluster"
        return 1
    fi
    if [ "$status" != "online" ]; then
        say "starting PostgreSQL cluster $version/$name (port $port)…"
        local log
        log=$(mktemp)
        if ! as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$log"
            say "cluster $version/$name did not start"
            return 1
        fi
        rm -f "$log"
    fi
    local _
    for _ in $(seq 1 30); do
        answers 127.0.0.1 "$port" && break
        sleep 1
    done
    answers 127.0.0.1 "$port" || {
        say "cluster $version/$name does not answer on 127.0.0.1:$port"
        return 1
    }
    finish 127.0.0.1 "$port"
}

main() {
    if [ -z "${AMENDS_PG_THROWAWAY:-}" ]; then
        system_cluster && return 0
        say "falling back to a throwaway cluster"
    fi
    throwaway
}

main "$@"
