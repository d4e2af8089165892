#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
# Idempotent: does nothing when /usr/bin/chromium is already there.
#
#   browser.sh            install if missing, then print the version
set -euo pipefail

die() { echo "browser.sh: $*" >&2; exit 1; }

if [[ ! -x /usr/bin/chromium ]]; then
  ((EUID == 0)) || die "Chromium is not installed; run as root: $0"
  out=$(export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq chromium; } 2>&1) ||
    { echo "$out" >&2; die "apt-get install chromium failed"; }
fi
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is still missing after the install"
/usr/bin/chromium --version 2>/dev/null | head -n 1 || true
