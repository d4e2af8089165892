#!/usr/bin/env bash
# A kustomize for the manifest tests where kubectl (whose built-in kustomize they use first,
# deploy/k8s/validate.py) is missing: one on PATH, else one built from its Go module into
# $SAUDA_CACHE_DIR/bin (Go's module proxy; needs the go toolchain). Idempotent.
#
#   kustomize.sh        print the path of a kustomize binary
set -euo pipefail

VERSION=v5.5.0
BIN=${SAUDA_CACHE_DIR:-$HOME/.cache/sauda}/bin
if command -v kustomize >/dev/null 2>&1; then
  command -v kustomize
elif [[ -x $BIN/kustomize ]]; then
  echo "$BIN/kustomize"
else
  GO=$(command -v go || echo /usr/local/go/bin/go)
  [[ -x $GO ]] || { echo "kustomize.sh: neither kubectl, kustomize nor go is installed" >&2; exit 1; }
  echo "kustomize.sh: building kustomize $VERSION into $BIN" >&2
  GOBIN=$BIN "$GO" install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION" >&2
  echo "$BIN/kustomize"
fi
