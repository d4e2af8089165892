#!/usr/bin/env bash
# A private PostgreSQL cluster for dev and tests, from Debian's packages, no Docker.
# The Debian package's own cluster (port 5432) is never used: whether it runs does not matter.
#
#   postgres.sh install | start | stop | status | url | reset
#
# Env: SAUDA_STATE_DIR (default <repo>/.state), PG_PORT (55432),
#      PG_FAST=1 to trade durability for speed (fsync etc. off) -- for the test cluster only.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=$(realpath -m "${SAUDA_STATE_DIR:-$REPO/.state}")
PORT=${PG_PORT:-55432}
URL=postgresql://sauda@127.0.0.1:$PORT/sauda

die() { echo "postgres.sh: $*" >&2; exit 1; }

install() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  ((EUID == 0)) || die "PostgreSQL is not installed; run as root: $0 install"
  local out
  out=$(export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq postgresql; } 2>&1) ||
    { echo "$out" >&2; die "apt-get install postgresql failed"; }
}

# Debian keeps the server binaries off PATH; take the newest installed major version.
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }
BIN=$(pgbin)

# The server refuses to run as root, so as root every server-side command runs as `postgres`.
# `cd /`: the caller's folder may be one that user cannot enter.
as_pg() {
  if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

data_dir() { if [[ -f $STATE/pg.path ]]; then cat "$STATE/pg.path"; else echo "$STATE/pg"; fi; }

# Normally the cluster lives in $STATE/pg. But as root the `postgres` user must be able to reach
# it (CI may clone under a mode-700 folder), and the socket path in it must fit the 107-byte
# limit; if not, it goes to a folder in /var/tmp named after the state dir, noted in pg.path.
choose_data_dir() {
  [[ -f $STATE/pg.path ]] && return
  ((EUID != 0)) || { as_pg test -x "$STATE" && ((${#STATE} < 80)); } && return
  echo "/var/tmp/sauda-pg-$(printf %s "$STATE" | sha256sum | cut -c1-12)" >"$STATE/pg.path"
}

running() { [[ -f $DATA/postmaster.pid ]] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  install
  BIN=$(pgbin)
  mkdir -p "$STATE"
  # Parallel test workers may all call start: one creates the cluster, the others wait.
  # (The server must not inherit fd 9, or it would hold the lock for its whole life.)
  exec 9>"$STATE/pg.lock"
  flock 9
  choose_data_dir
  DATA=$(data_dir)
  if running; then
    local on
    on=$(sed -n 4p "$DATA/postmaster.pid")
    [[ $on == "$PORT" ]] || die "this cluster already runs on port $on; stop it first"
  else
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && die "port $PORT is taken by another server; set PG_PORT"
    if [[ ! -f $DATA/PG_VERSION ]]; then
      rm -rf "$DATA" && mkdir -p "$DATA" && chmod 700 "$DATA"
      ((EUID != 0)) || chown postgres: "$DATA"
      local locale=C
      locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && locale=C.UTF-8
      as_pg "$BIN/initdb" -D "$DATA" -U sauda -A trust --encoding=UTF8 --locale="$locale" \
        >"$STATE/pg-initdb.log" 2>&1 || { cat "$STATE/pg-initdb.log" >&2; die "initdb failed"; }
    fi
    local opts="-c listen_addresses=127.0.0.1 -c port=$PORT -c max_connections=200"
    opts+=" -c unix_socket_directories='$DATA'"
    [[ ${PG_FAST:-} == 1 ]] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -o "$opts" -w -t 60 start >/dev/null 2>&1 9>&- ||
      { tail -n 50 "$DATA/server.log" >&2; die "server did not start on port $PORT"; }
  fi
  local deadline=$((SECONDS + 60))
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; do
    ((SECONDS < deadline)) || { tail -n 50 "$DATA/server.log" >&2; die "server not ready on port $PORT"; }
    sleep 0.2
  done
  local psql=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://sauda@127.0.0.1:$PORT/postgres")
  [[ $("${psql[@]}" -tAc "select 1 from pg_database where datname = 'sauda'") == 1 ]] ||
    "${psql[@]}" -c 'create database sauda' >/dev/null
}

stop() {
  if running; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
}

DATA=$(data_dir)
case ${1:-} in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "postgres running ($DATA)"; else echo "postgres not running"; exit 1; fi ;;
  url) echo "$URL" ;;
  reset) stop; rm -rf "$DATA" "$STATE/pg.path" "$STATE/pg-initdb.log" ;;
  *) echo "usage: $0 install|start|stop|status|url|reset" >&2; exit 2 ;;
esac
