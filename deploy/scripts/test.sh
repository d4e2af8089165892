#!/usr/bin/env bash
# `make test`: lint and type-check, then every test against private, fresh Kafka and Postgres
# servers (state in .state/test) unless KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL name servers to
# use instead. With its own servers and no arguments, the end-to-end suite (tests/e2e, whole
# stacks in subprocesses, mostly waiting) runs beside the rest in two halves of about equal
# time, each on a private pair of its own, so none sees another's topics, groups or schemas:
#   the rest: Kafka 19092 (controller 19093), Postgres 55433   (TEST_KAFKA_PORT, ...)
#   tests/e2e, first half: Kafka 19094 (controller 19095), Postgres 55434  (+ 2 / + 1)
#   tests/e2e, second half: Kafka 19096 (controller 19097), Postgres 55435 (+ 4 / + 2)
# With arguments (`make test ARGS` → pytest ARGS) one pytest runs them on the first pair.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"

echo "== lint and types"
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen mypy libs/*/src services/*/src

KAFKA_PORT=${TEST_KAFKA_PORT:-19092} KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093}
PG_PORT=${TEST_PG_PORT:-55433}
export PG_FAST=1
own_infra=()  # "state-dir:kafka-port:controller-port:pg-port:script" of each server started here
cleanup() {
  local server state kport cport pport what
  for server in "${own_infra[@]}"; do
    IFS=: read -r state kport cport pport what <<<"$server"
    SAUDA_STATE_DIR=$state KAFKA_PORT=$kport KAFKA_CONTROLLER_PORT=$cport PG_PORT=$pport \
      bash deploy/scripts/"$what".sh stop || true
  done
}
trap cleanup EXIT

# fresh STATE KAFKA_PORT CONTROLLER_PORT PG_PORT WHAT: reset and start a private server.
fresh() {
  local state=$1 kport=$2 cport=$3 pport=$4 what=$5
  own_infra+=("$state:$kport:$cport:$pport:$what")
  export SAUDA_STATE_DIR=$state KAFKA_PORT=$kport KAFKA_CONTROLLER_PORT=$cport PG_PORT=$pport
  bash deploy/scripts/"$what".sh reset >/dev/null 2>&1 || true
  bash deploy/scripts/"$what".sh start
}

echo "== infrastructure"
if [[ -z ${DATABASE_URL:-} || -z ${KAFKA_BOOTSTRAP_SERVERS:-} ]] && docker info >/dev/null 2>&1; then
  # A Docker engine: the test session starts Kafka and Postgres with testcontainers (conftest.py).
  export SAUDA_TESTCONTAINERS=1
  echo "docker engine found: Kafka and Postgres come from testcontainers"
fi
split=0
if [[ $# -eq 0 && -z ${DATABASE_URL:-} && -z ${KAFKA_BOOTSTRAP_SERVERS:-} &&
      -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  split=1
fi
if [[ -z ${DATABASE_URL:-} && -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  fresh "$REPO/.state/test" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$PG_PORT" postgres
  DATABASE_URL=$(bash deploy/scripts/postgres.sh url)
fi
if [[ -z ${KAFKA_BOOTSTRAP_SERVERS:-} && -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  fresh "$REPO/.state/test" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$PG_PORT" kafka
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
fi
if ((split)); then
  E2E_STATE=$REPO/.state/test-e2e E2E_KAFKA_PORT=$((KAFKA_PORT + 2))
  E2E_CONTROLLER_PORT=$((KAFKA_CONTROLLER_PORT + 2)) E2E_PG_PORT=$((PG_PORT + 1))
  fresh "$E2E_STATE" "$E2E_KAFKA_PORT" "$E2E_CONTROLLER_PORT" "$E2E_PG_PORT" postgres
  E2E_DATABASE_URL=$(bash deploy/scripts/postgres.sh url)
  fresh "$E2E_STATE" "$E2E_KAFKA_PORT" "$E2E_CONTROLLER_PORT" "$E2E_PG_PORT" kafka
  E2E_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$E2E_KAFKA_PORT
  E2E2_STATE=$REPO/.state/test-e2e2 E2E2_KAFKA_PORT=$((KAFKA_PORT + 4))
  E2E2_CONTROLLER_PORT=$((KAFKA_CONTROLLER_PORT + 4)) E2E2_PG_PORT=$((PG_PORT + 2))
  fresh "$E2E2_STATE" "$E2E2_KAFKA_PORT" "$E2E2_CONTROLLER_PORT" "$E2E2_PG_PORT" postgres
  E2E2_DATABASE_URL=$(bash deploy/scripts/postgres.sh url)
  fresh "$E2E2_STATE" "$E2E2_KAFKA_PORT" "$E2E2_CONTROLLER_PORT" "$E2E2_PG_PORT" kafka
  E2E2_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$E2E2_KAFKA_PORT
  KAFKA_PORT=${TEST_KAFKA_PORT:-19092} KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093}
  PG_PORT=${TEST_PG_PORT:-55433}
fi
export SAUDA_STATE_DIR=$REPO/.state/test KAFKA_PORT KAFKA_CONTROLLER_PORT PG_PORT
if [[ -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  export DATABASE_URL KAFKA_BOOTSTRAP_SERVERS
  echo "DATABASE_URL=$DATABASE_URL KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS"
  ((split)) && echo "tests/e2e: DATABASE_URL=$E2E_DATABASE_URL" \
    "KAFKA_BOOTSTRAP_SERVERS=$E2E_KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL=$E2E2_DATABASE_URL" \
    "KAFKA_BOOTSTRAP_SERVERS=$E2E2_KAFKA_BOOTSTRAP_SERVERS"
fi

echo "== browser (Debian's Chromium, for the sandbox chat page and dashboard tests)"
bash deploy/scripts/browser.sh

echo "== dashboard (the web app the gateway serves at /app/)"
bash deploy/scripts/web.sh

# Access tokens are sealed with this key; a fresh one per run.
export SAUDA_SECRET_KEY=${SAUDA_SECRET_KEY:-$(uv run --frozen sauda secret-key)}

# checked RC: pytest's exit status, where 5 (it collected nothing) is a failure too.
checked() {
  if (($1 == 5)); then echo "no tests were collected" >&2; return 1; fi
  return "$1"
}

echo "== tests"
set +e
if ((split)); then
  # The end-to-end tests in two halves of about equal time (pytest-split, by the durations
  # in tests/e2e/.test_durations; a test not listed there counts as the average), each on its
  # own servers; each half ends with the check of every record its tests left on the topics.
  last=tests/e2e/test_topics_documented.py
  halves=(--splits 2 --splitting-algorithm least_duration
          --durations-path tests/e2e/.test_durations)
  e2e_log=$REPO/.state/test/e2e.log e2e2_log=$REPO/.state/test/e2e2.log
  echo "tests/e2e runs beside the rest in two halves; their output follows (and is in" \
    "$e2e_log, $e2e2_log)"
  # half N LOG: the Nth half, then the topics check on the same servers.
  half() {
    uv run --frozen pytest tests/e2e --ignore="$last" "${halves[@]}" --group "$1"
    checked $? || return 1
    uv run --frozen pytest "$last"
    checked $?
  }
  DATABASE_URL=$E2E_DATABASE_URL KAFKA_BOOTSTRAP_SERVERS=$E2E_KAFKA_BOOTSTRAP_SERVERS \
    half 1 >"$e2e_log" 2>&1 &
  e2e=$!
  DATABASE_URL=$E2E2_DATABASE_URL KAFKA_BOOTSTRAP_SERVERS=$E2E2_KAFKA_BOOTSTRAP_SERVERS \
    half 2 >"$e2e2_log" 2>&1 &
  e2e2=$!
  uv run --frozen pytest --ignore=tests/e2e
  checked $?
  rest=$?
  wait "$e2e"
  first=$?
  wait "$e2e2"
  second=$?
  echo "== tests/e2e, first half (ran beside the rest)"
  cat "$e2e_log"
  echo "== tests/e2e, second half (ran beside the rest)"
  cat "$e2e2_log"
  echo "== results: the rest $( ((rest)) && echo FAILED || echo passed)," \
    "tests/e2e $( ((first || second)) && echo FAILED || echo passed)"
  ((rest == 0 && first == 0 && second == 0))
  exit $?
fi
uv run --frozen pytest "$@"
checked $?
