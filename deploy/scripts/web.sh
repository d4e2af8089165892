#!/usr/bin/env bash
# The dashboard's web app: Debian's Node.js and npm (installed if missing), the locked packages,
# the type check and the build into services/ingest-gateway/web/dist (git-ignored).
# Idempotent: `npm ci` runs only when node_modules is missing or older than package-lock.json.
#
#   web.sh            install what is missing, check, build
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WEB=$REPO/services/ingest-gateway/web

die() { echo "web.sh: $*" >&2; exit 1; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  ((EUID == 0)) || die "Node.js and npm are not installed; run as root: $0 (or apt-get install nodejs npm)"
  out=$(export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq nodejs npm; } 2>&1) ||
    { echo "$out" >&2; die "apt-get install nodejs npm failed"; }
fi
command -v npm >/dev/null 2>&1 || die "npm is still missing after the install"

cd "$WEB"
if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
  touch node_modules
fi
npm run --silent check || die "the type check failed (npm run check)"
npm run --silent build || die "the build failed (npm run build)"
