# Sauda: `make run` starts everything; `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)

.PHONY: help uv deps infra topics web run stop test screenshots lint bench-ingest bench-cod bench-webhooks bench-chat bench-dashboard bench-broadcast bench-pipeline bench-catchup schemas k8s-check clean

help:
	@echo "make run    - install what is missing, start Kafka, Postgres and every service, print a demo key"
	@echo "make test   - install what is missing, start a private Kafka and Postgres, run lint and every test"
	@echo "make stop   - stop the dev Kafka and Postgres that make run started"
	@echo "make screenshots - every dashboard page at phone and desktop width into docs/screenshots (a private stack)"
	@echo "make web    - build the dashboard (services/ingest-gateway/web -> web/dist; installs Node.js if missing)"
	@echo "make k8s-check - render deploy/k8s overlays (kubectl kustomize) and validate them offline against the Kubernetes and CRD schemas"
	@echo "make bench-ingest - ingest benchmark (dev Kafka and Postgres up: make infra)"
	@echo "make bench-cod    - POST to COD template at the sandbox, at a steady rate (make infra first)"
	@echo "make bench-webhooks - deliveries/s to 50 endpoints, healthy and 10% sick (make infra first)"
	@echo "make bench-chat   - 500 shoppers ordering in chat at once: messages/s, message-to-reply times"
	@echo "make bench-broadcast - a template broadcast to 10,000 recipients through the sandbox: messages/s beside the limit (make infra first)"
	@echo "make bench-pipeline - the whole stack at 50 orders/s over 10 businesses: CPU-ms per order beside a bare endpoint, POST/COD/webhook p99 (make infra first)"
	@echo "make bench-catchup  - 100,000 events on orders.events.v1: how fast a consumer that fell behind catches up, beside a bare consumer"
	@echo "make bench-dashboard - the orders page's API calls over 100,000 orders: p50/p99 beside /healthz (make infra first)"

uv:
	@command -v uv >/dev/null 2>&1 || { echo "installing uv from PyPI"; \
	  python3 -m pip install --user --quiet uv 2>/dev/null || python3 -m pip install --quiet uv; }

deps: uv
	@uv sync --all-packages --frozen --quiet

infra: deps
	@bash deploy/scripts/infra.sh up

topics: deps
	@uv run --frozen sauda topics create

web:
	@bash deploy/scripts/web.sh

run: deps
	@bash deploy/scripts/run.sh

stop:
	@bash deploy/scripts/infra.sh down

test: deps
	@bash deploy/scripts/test.sh

screenshots: deps
	@SAUDA_SCREENSHOTS=$(CURDIR)/docs/screenshots bash deploy/scripts/test.sh \
	  tests/e2e/test_dashboard_screens.py -k screenshot

lint: deps
	@bash deploy/scripts/web.sh
	@uv run --frozen ruff check .
	@uv run --frozen ruff format --check .
	@uv run --frozen mypy libs/*/src services/*/src

k8s-check: deps
	@uv run --frozen python deploy/k8s/validate.py deploy/k8s/overlays/production deploy/k8s/overlays/dev

schemas: deps
	@uv run --frozen sauda schemas schemas-out

bench-ingest: deps
	@uv run --frozen python bench/ingest.py

bench-cod: deps
	@uv run --frozen python bench/cod_e2e.py

bench-webhooks: deps
	@uv run --frozen python bench/webhooks.py

bench-chat: deps
	@uv run --frozen python bench/chat.py

bench-dashboard: deps
	@uv run --frozen python bench/dashboard.py

bench-broadcast: deps
	@uv run --frozen python bench/broadcast.py

bench-pipeline: deps
	@uv run --frozen python bench/pipeline.py

bench-catchup: deps
	@uv run --frozen python bench/catchup.py

clean: stop
	rm -rf .state
