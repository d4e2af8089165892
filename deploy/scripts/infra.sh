#!/usr/bin/env bash
# Brings the dev Kafka and Postgres up (or down), unless KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL
# point at servers someone else runs. `up` prints the two variables to export.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case ${1:-up} in
  up)
    [[ -n ${DATABASE_URL:-} ]] || bash "$HERE/postgres.sh" start >&2
    [[ -n ${KAFKA_BOOTSTRAP_SERVERS:-} ]] || bash "$HERE/kafka.sh" start >&2
    echo "export DATABASE_URL=${DATABASE_URL:-$(bash "$HERE/postgres.sh" url)}"
    echo "export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
    ;;
  down)
    bash "$HERE/kafka.sh" stop
    bash "$HERE/postgres.sh" stop
    ;;
  *) echo "usage: infra.sh up|down" >&2; exit 2 ;;
esac
