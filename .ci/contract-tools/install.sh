#!/usr/bin/env bash
# The contract tools that package-lock.json pins (Optic and Prism), installed once per lock file into a cache
# folder, so that .ci/contract-breaking.sh and .ci/prism-writes.sh share one install, whichever runs first.
#   bin=$(bash .ci/contract-tools/install.sh NAME)   # NAME prefixes the log line; prints the node_modules/.bin folder
set -euo pipefail
name=${1:-contract-tools}
tools="$(dirname "$0")"
cache=${CONTRACT_TOOLS_CACHE:-${HOME:-/tmp}/.cache/perspectives-contract-tools}
stamp=$(sha256sum "$tools/package-lock.json" | cut -c1-16)
if [ ! -x "$cache/$stamp/node_modules/.bin/optic" ] || [ ! -x "$cache/$stamp/node_modules/.bin/prism" ]; then
  echo "$name: installing the pinned tools into $cache/$stamp" >&2
  rm -rf "$cache/$stamp"
  mkdir -p "$cache/$stamp"
  cp "$tools/package.json" "$tools/package-lock.json" "$cache/$stamp/"
  (cd "$cache/$stamp" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "$name: npm ci failed" >&2; exit 1; }
fi
echo "$cache/$stamp/node_modules/.bin"
