#!/usr/bin/env bash
# `make test`: lint and type-check, then every test against a private, fresh Kafka and Postgres
# (ports 19092/19093 and 55433, state in .state/test) unless KAFKA_BOOTSTRAP_SERVERS /
# DATABASE_URL name servers to use instead.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"

echo "== lint and types"
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen mypy libs/*/src services/*/src

export SAUDA_STATE_DIR=$REPO/.state/test KAFKA_PORT=${TEST_KAFKA_PORT:-19092}
export KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093} PG_PORT=${TEST_PG_PORT:-55433} PG_FAST=1
own_infra=()
cleanup() {
  for what in "${own_infra[@]}"; do bash deploy/scripts/"$what".sh stop || true; done
}
trap cleanup EXIT

echo "== infrastructure"
if [[ -z ${DATABASE_URL:-} || -z ${KAFKA_BOOTSTRAP_SERVERS:-} ]] && docker info >/dev/null 2>&1; then
  # A Docker engine: the test session starts Kafka and Postgres with testcontainers (conftest.py).
  export SAUDA_TESTCONTAINERS=1
  echo "docker engine found: Kafka and Postgres come from testcontainers"
fi
if [[ -z ${DATABASE_URL:-} && -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  bash deploy/scripts/postgres.sh reset >/dev/null 2>&1 || true
  bash deploy/scripts/postgres.sh start
  own_infra+=(postgres)
  DATABASE_URL=$(bash deploy/scripts/postgres.sh url)
fi
if [[ -z ${KAFKA_BOOTSTRAP_SERVERS:-} && -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  bash deploy/scripts/kafka.sh reset >/dev/null 2>&1 || true
  bash deploy/scripts/kafka.sh start
  own_infra+=(kafka)
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
fi
if [[ -z ${SAUDA_TESTCONTAINERS:-} ]]; then
  export DATABASE_URL KAFKA_BOOTSTRAP_SERVERS
  echo "DATABASE_URL=$DATABASE_URL KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS"
fi

echo "== browser (Debian's Chromium, for the sandbox chat page and dashboard tests)"
bash deploy/scripts/browser.sh

echo "== dashboard (the web app the gateway serves at /app/)"
bash deploy/scripts/web.sh

# Access tokens are sealed with this key; a fresh one per run.
export SAUDA_SECRET_KEY=${SAUDA_SECRET_KEY:-$(uv run --frozen sauda secret-key)}

echo "== tests"
set +e
uv run --frozen pytest "$@"
rc=$?
set -e
# pytest exits 5 when it collected nothing: a run without tests is a failed run.
if ((rc == 5)); then echo "no tests were collected" >&2; exit 1; fi
exit "$rc"
