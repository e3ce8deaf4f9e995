#!/usr/bin/env bash
# Fails when openapi/v1.json breaks a client written against the v1 baseline (openapi/v1-baseline.json):
# v1 only grows (README, "Versions and compatibility"); a breaking change goes to /v2 beside it.
# The check is Optic's (`optic diff BASE HEAD --check`, its breaking-change rules: a removed operation,
# response member or enum value, a new required parameter or request member, a narrowed type...), the
# checker that client developers run themselves. It is installed with npm from .ci/contract-tools
# (versions pinned by its package-lock.json) into a cache directory, once per lock file.
#
#   bash .ci/contract-breaking.sh [BASELINE] [CONTRACT]     (defaults: openapi/v1-baseline.json openapi/v1.json)
#
# Settings: CONTRACT_TOOLS_CACHE (default ~/.cache/perspectives-contract-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=${1:-openapi/v1-baseline.json}
contract=${2:-openapi/v1.json}
for file in "$baseline" "$contract"; do
  [ -f "$file" ] || { echo "contract-breaking: $file does not exist"; exit 2; }
done

bin=$(bash .ci/contract-tools/install.sh contract-breaking)
optic="$bin/optic"

# Optic needs no account, and telemetry is off. It runs in a scratch directory: under CI=true it leaves a
# ci-run-details.json in its working directory, which does not belong in the checkout.
export OPTIC_TELEMETRY_LEVEL=off
root=$(pwd)
absolute() { case $1 in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "contract-breaking: optic $("$optic" --version 2>/dev/null | head -1) diff $baseline $contract --check"
if (cd "$scratch" && "$optic" diff "$(absolute "$baseline")" "$(absolute "$contract")" --check); then
  echo "contract-breaking: no breaking change against the v1 baseline"
else
  status=$?
  echo "contract-breaking: $contract breaks clients of the v1 baseline (exit $status). Make the change additive, or put it in /v2 beside v1."
  exit 1
fi
