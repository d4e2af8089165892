#!/usr/bin/env bash
# `make run`: Kafka + Postgres (unless given), topics, the services, a demo business; then it
# stays in the foreground with the services' logs under .state/logs until Ctrl-C.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
STATE=${SAUDA_STATE_DIR:-$REPO/.state}
LOGS=$STATE/logs
mkdir -p "$LOGS"

eval "$(bash deploy/scripts/infra.sh up)"
uv run --frozen sauda topics create >/dev/null

GATEWAY_PORT=${GATEWAY_PORT:-8000}
export GATEWAY_PORT
pids=()
stop_services() {
  echo; echo "stopping services (Kafka and Postgres keep running; 'make stop' stops them)"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_services EXIT
trap 'exit 0' INT TERM

start() {  # name module [readiness url]
  uv run --frozen python -m "$2" >>"$LOGS/$1.log" 2>&1 &
  pids+=($!)
}
start order-ledger sauda_ledger
start ingest-gateway sauda_gateway

wait_ready() {
  local deadline=$((SECONDS + 90))
  until curl -sf "$1" >/dev/null; do
    ((SECONDS < deadline)) || { echo "$2 did not become ready; see $LOGS/$2.log" >&2; tail -n 30 "$LOGS/$2.log" >&2; exit 1; }
    sleep 0.3
  done
}
wait_ready "http://127.0.0.1:${LEDGER_HEALTH_PORT:-8101}/readyz" order-ledger
wait_ready "http://127.0.0.1:$GATEWAY_PORT/readyz" ingest-gateway

# The demo business is created once; its key is kept in .state (git-ignored) to show again.
DEMO=$STATE/demo-business.json
key() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_key"])' "$DEMO"; }
if [[ ! -s $DEMO ]] || [[ $(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $(key)" \
    "http://127.0.0.1:$GATEWAY_PORT/api/v1/orders?limit=1") != 200 ]]; then
  uv run --frozen sauda business create --name "Demo Store" --plan business --rate-limit 1000 >"$DEMO"
fi
KEY=$(key)

cat <<EOF

  Sauda is running.
    API (gateway)      http://127.0.0.1:$GATEWAY_PORT   (docs: /docs)
    order ledger       http://127.0.0.1:${LEDGER_HEALTH_PORT:-8101}/readyz
    Kafka              $KAFKA_BOOTSTRAP_SERVERS
    Postgres           $DATABASE_URL
    logs               $LOGS/

  Demo business API key:  $KEY

  Try it:
    export KEY=$KEY
    curl -s -X POST localhost:$GATEWAY_PORT/api/v1/events/ingest -H "X-API-Key: \$KEY" \\
      -H 'Content-Type: application/json' -d '{"event_type":"order_created","idempotency_key":"order-abc-123",
      "customer":{"phone":"923001234567","name":"Ali Khan","consent":true},
      "order":{"items":[{"name":"Widget Pro","qty":2,"price":1500}],"total":3000,"external_order_id":"WC-456"}}'
    curl -s localhost:$GATEWAY_PORT/api/v1/orders -H "X-API-Key: \$KEY"

  Ctrl-C stops the services.
EOF
wait -n "${pids[@]}"
echo "a service exited; see $LOGS/" >&2
exit 1
