#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download),
# and Debian's Noto fonts, so Urdu (Noto Nastaliq Urdu), Hindi and Arabic script render as a
# merchant sees them rather than as boxes. Idempotent: does nothing when both are there.
#
#   browser.sh            install if missing, then print the version
set -euo pipefail

die() { echo "browser.sh: $*" >&2; exit 1; }

FONT=/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf
if [[ ! -x /usr/bin/chromium || ! -f $FONT ]]; then
  ((EUID == 0)) || die "Chromium or the Noto fonts are not installed; run as root: $0"
  out=$(export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-core; } 2>&1) ||
    { echo "$out" >&2; die "apt-get install chromium fonts-noto-core failed"; }
fi
[[ -f $FONT ]] || echo "browser.sh: warning: $FONT is missing; Urdu renders in a fallback font" >&2
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is still missing after the install"
/usr/bin/chromium --version 2>/dev/null | head -n 1 || true
