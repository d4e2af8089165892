#!/usr/bin/env bash
# `make run`: Kafka + Postgres (unless given), topics, the services, a demo business; then it
# stays in the foreground with the services' logs under .state/logs until Ctrl-C.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
STATE=${SAUDA_STATE_DIR:-$REPO/.state}
LOGS=$STATE/logs
mkdir -p "$LOGS"

echo "building the dashboard (deploy/scripts/web.sh)"
bash deploy/scripts/web.sh
eval "$(bash deploy/scripts/infra.sh up)"
uv run --frozen sauda topics create >/dev/null

GATEWAY_PORT=${GATEWAY_PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8090}
export GATEWAY_PORT SANDBOX_PORT
# Secrets of this installation, made once and kept in .state (git-ignored): the key that seals
# WhatsApp access tokens, and the app secret / verify token the sandbox (standing in for Meta)
# and the gateway share.
fernet_key() { uv run --frozen sauda secret-key; }
random_hex() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
secret() {  # file generator
  [[ -s $STATE/$1 ]] || (umask 077; "$2" >"$STATE/$1")
  cat "$STATE/$1"
}
export SAUDA_SECRET_KEY=${SAUDA_SECRET_KEY:-$(secret secret.key fernet_key)}
export WHATSAPP_APP_SECRET=${WHATSAPP_APP_SECRET:-$(secret app-secret random_hex)}
export WHATSAPP_VERIFY_TOKEN=${WHATSAPP_VERIFY_TOKEN:-$(secret verify-token random_hex)}
export SANDBOX_APP_SECRET=$WHATSAPP_APP_SECRET
export SANDBOX_URL=${SANDBOX_URL:-http://127.0.0.1:$SANDBOX_PORT}
export GATEWAY_PUBLIC_URL=${GATEWAY_PUBLIC_URL:-http://127.0.0.1:$GATEWAY_PORT}
export SANDBOX_WEBHOOK_URL=${SANDBOX_WEBHOOK_URL:-http://127.0.0.1:$GATEWAY_PORT/webhooks/whatsapp}
export SANDBOX_STATE_FILE=${SANDBOX_STATE_FILE:-$STATE/sandbox.json}
# Development: webhook endpoints may be http:// and on this machine (a local receiver).
export WEBHOOKS_ALLOW_PRIVATE_URLS=${WEBHOOKS_ALLOW_PRIVATE_URLS:-true}
# Development over plain http: the dashboard's session cookie cannot be Secure.
export GATEWAY_COOKIE_SECURE=${GATEWAY_COOKIE_SECURE:-false}
# The services run under supervisord (`sauda services run`): one that exits is started again,
# with back-off when it keeps dying; `sauda services ctl` shows and restarts them.
supervisor=
stop_services() {
  echo; echo "stopping services (Kafka and Postgres keep running; 'make stop' stops them)"
  [[ -n $supervisor ]] && kill "$supervisor" 2>/dev/null && wait "$supervisor" 2>/dev/null
  kill $(jobs -p) 2>/dev/null
  true
}
trap stop_services EXIT
trap 'exit 0' INT TERM
: >"$LOGS/supervisord.log"
"$REPO/.venv/bin/python" -m sauda_cli services run --state "$STATE" --logs "$LOGS" \
  >>"$LOGS/supervisord.out" 2>&1 &
supervisor=$!

wait_ready() {
  local deadline=$((SECONDS + 90))
  until curl -sf "$1" >/dev/null; do
    kill -0 "$supervisor" 2>/dev/null || { echo "supervisord exited; see $LOGS/supervisord.out" >&2; cat "$LOGS/supervisord.out" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "$2 did not become ready; see $LOGS/$2.log" >&2; tail -n 30 "$LOGS/$2.log" >&2; exit 1; }
    sleep 0.3
  done
}
wait_ready "http://127.0.0.1:$SANDBOX_PORT/healthz" whatsapp-sandbox
wait_ready "http://127.0.0.1:${LEDGER_HEALTH_PORT:-8101}/readyz" order-ledger
wait_ready "http://127.0.0.1:$GATEWAY_PORT/readyz" ingest-gateway
wait_ready "http://127.0.0.1:${NOTIFIER_HEALTH_PORT:-8103}/readyz" notifier
wait_ready "http://127.0.0.1:${CONVERSATION_HEALTH_PORT:-8102}/readyz" conversation
wait_ready "http://127.0.0.1:${WEBHOOKS_HEALTH_PORT:-8104}/readyz" webhook-dispatcher

# The demo business is created once; its key is kept in .state (git-ignored) to show again.
DEMO=$STATE/demo-business.json
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$DEMO" "$1"; }
if [[ ! -s $DEMO ]] || [[ $(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $(field api_key)" \
    "http://127.0.0.1:$GATEWAY_PORT/api/v1/whatsapp") != 200 ]] \
    || ! curl -sf "$SANDBOX_URL/sandbox/numbers/$(field whatsapp_phone_number_id)" >/dev/null; then
  uv run --frozen sauda business create --name "Demo Store" --plan business --rate-limit 1000 \
    --whatsapp sandbox --admin-phone 923000000001 >"$DEMO"
fi
KEY=$(field api_key)
NUMBER=$(field whatsapp_phone_number_id)

# The demo owner's dashboard login, made once per demo business and kept in .state.
OWNER=$STATE/demo-owner
if [[ ! -s $OWNER || $(head -1 "$OWNER") != "$(field business_id)" ]]; then
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  for email in owner@demo.shop "owner+$(field business_id | cut -c1-8)@demo.shop"; do
    if uv run --frozen sauda user create --business "$(field business_id)" --email "$email" \
        --role owner --password-stdin <<<"$password" >/dev/null 2>&1; then
      (umask 077; printf '%s\n%s\n%s\n' "$(field business_id)" "$email" "$password" >"$OWNER")
      break
    fi
  done
fi
OWNER_EMAIL=$(sed -n 2p "$OWNER")
OWNER_PASSWORD=$(sed -n 3p "$OWNER")

# A small demo catalog and two FAQs, once, so the chat can take an order straight away.
API="http://127.0.0.1:$GATEWAY_PORT/api/v1"
if [[ $(curl -s "$API/products?limit=1" -H "X-API-Key: $KEY") == *'"total":0'* ]]; then
  for product in \
    '{"name":"Tapal Danedar Tea 950g","price":1250,"currency":"PKR","aliases":["chai","tea","چائے","चाय"]}' \
    '{"name":"Olpers Milk 1L","price":330,"currency":"PKR","aliases":["doodh","milk","دودھ","दूध"]}' \
    '{"name":"Guard Basmati Rice 5kg","price":2400,"currency":"PKR","aliases":["chawal","rice","چاول","चावल"]}' \
    '{"name":"Dalda Cooking Oil 5L","price":2900,"currency":"PKR","aliases":["oil","tel","تیل","तेल"]}' \
    '{"name":"Peek Freans Sooper Biscuits","price":120,"currency":"PKR","aliases":["biscuit","biskut","بسکٹ","बिस्कुट"]}'; do
    curl -s -o /dev/null -X POST "$API/products" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' -d "$product"
  done
  curl -s -o /dev/null -X POST "$API/faqs" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -d '{"question":"How long does delivery take?","answer":"Delivery takes 2 to 3 working days, cash on delivery.","keywords":["delivery","days","kitne din","ڈلیوری","डिलीवरी"]}'
  curl -s -o /dev/null -X POST "$API/faqs" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -d '{"question":"Do you deliver to Lahore?","answer":"Yes, we deliver all over Pakistan, Lahore included.","keywords":["lahore","karachi","city","deliver to"]}'
fi

cat <<EOF

  Sauda is running.
    Dashboard          http://127.0.0.1:$GATEWAY_PORT/app/   sign in: $OWNER_EMAIL / $OWNER_PASSWORD
    API (gateway)      http://127.0.0.1:$GATEWAY_PORT   (docs: /docs)
    WhatsApp sandbox   http://127.0.0.1:$SANDBOX_PORT/sandbox/   (the shopper's phone)
    order ledger       http://127.0.0.1:${LEDGER_HEALTH_PORT:-8101}/readyz
    conversation       http://127.0.0.1:${CONVERSATION_HEALTH_PORT:-8102}/readyz
    notifier           http://127.0.0.1:${NOTIFIER_HEALTH_PORT:-8103}/readyz
    webhook dispatcher http://127.0.0.1:${WEBHOOKS_HEALTH_PORT:-8104}/readyz
    Kafka              $KAFKA_BOOTSTRAP_SERVERS
    Postgres           $DATABASE_URL
    logs               $LOGS/

  Demo business API key:  $KEY   (WhatsApp sandbox number id $NUMBER)

  Try it:
    export KEY=$KEY
    curl -s -X POST localhost:$GATEWAY_PORT/api/v1/events/ingest -H "X-API-Key: \$KEY" \\
      -H 'Content-Type: application/json' -d '{"event_type":"order_created","idempotency_key":"order-abc-123",
      "customer":{"phone":"923001234567","name":"Ali Khan","consent":true},
      "order":{"items":[{"name":"Widget Pro","qty":2,"price":1500}],"total":3000,"external_order_id":"WC-456"}}'
    curl -s localhost:$GATEWAY_PORT/api/v1/orders -H "X-API-Key: \$KEY"

  The shopper's phone: open http://127.0.0.1:$SANDBOX_PORT/sandbox/?number=$NUMBER&phone=923001234567
  and tap Confirm or Cancel under the COD message (or type "haan ji" / "cancel"); then GET the
  order again.
  Order inside the chat: on that page write "I want to order" (or "mujhe chai chahiye",
  "مجھے چائے چاہیے", "मुझे चाय चाहिए"), pick a product and a quantity, Checkout, Confirm;
  then: curl -s "localhost:$GATEWAY_PORT/api/v1/orders?source=whatsapp" -H "X-API-Key: \$KEY"

  The services run under supervisord: one that exits is started again (with back-off when it
  keeps failing) and the exit is shown below. uv run sauda services ctl [status | restart NAME]
  Ctrl-C stops the services.

EOF
# Show what the supervisor does from here on: exits, restarts, give-ups.
tail -n 0 -F "$LOGS/supervisord.log" 2>/dev/null \
  | grep --line-buffered -E "exited:|spawned:|gave up:|FATAL" &
wait "$supervisor"
echo "supervisord exited; see $LOGS/supervisord.log" >&2
exit 1
