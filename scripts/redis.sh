#!/usr/bin/env bash
# Make sure a Redis server is reachable for the tests, and print its URL.
#
#   bash scripts/redis.sh               → redis://127.0.0.1:6379
#
# A server answering PING on 127.0.0.1:6379 is used as it is. Otherwise redis-server is
# installed if missing (apt-get) and started in the background on a free port, keeping
# nothing on disk; later runs find and reuse it. Idempotent; prints only the URL on stdout.
#
# Environment:
#   AMENDS_REDIS_PORT   where to look first (6379)
#   AMENDS_REDIS_TMP    folder of the server we start (/tmp/amends-redis)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=${AMENDS_REDIS_PORT:-6379}
TMP_DIR=${AMENDS_REDIS_TMP:-${TMPDIR:-/tmp}/amends-redis}

pong() { # pong PORT: does a Redis server answer PING on 127.0.0.1:PORT?
    local reply=""
    {
        exec 3<>"/dev/tcp/127.0.0.1/$1" &&
            printf 'PING\r\n' >&3 &&
            IFS= read -r -t 2 reply <&3
        exec 3>&- 3<&-
    } 2>/dev/null || true
    [ "${reply%$'\r'}" = "+PONG" ]
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if pong "$PORT"; then
    echo "redis://127.0.0.1:$PORT"
    exit 0
fi
if [ -f "$TMP_DIR/port" ] && pong "$(cat "$TMP_DIR/port")"; then
    echo "redis://127.0.0.1:$(cat "$TMP_DIR/port")"
    exit 0
fi

command -v redis-server >/dev/null 2>&1 || apt_install redis-server

port=$PORT
if port_open "$port"; then # something else holds the usual port
    for port in $(seq 6390 6490); do
        port_open "$port" || break
    done
fi
mkdir -p "$TMP_DIR"
say "starting Redis on 127.0.0.1:$port…"
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$TMP_DIR" --logfile "$TMP_DIR/redis.log" --pidfile "$TMP_DIR/redis.pid" >/dev/null ||
    die "redis-server did not start (see $TMP_DIR/redis.log)"
for _ in $(seq 1 50); do
    pong "$port" && break
    sleep 0.2
done
pong "$port" || die "Redis does not answer on 127.0.0.1:$port (see $TMP_DIR/redis.log)"
echo "$port" >"$TMP_DIR/port"
echo "redis://127.0.0.1:$port"
