#!/usr/bin/env bash
# Two builds of the service on one scenario, alternated, for a before/after comparison on a machine whose speed drifts
# from minute to minute (bench/PERF.md): each round runs A then B, each a 5 s warm-up and an 8 s wrk run, and prints
# req/s and the service's CPU time per request (from /proc, user + system), which moves less than req/s when something
# else takes the cores.
#   git worktree add /tmp/before <commit> && (cd /tmp/before && dotnet build -c Release src/PerspectivesApi)
#   bash bench/ab.sh by-id /tmp/before/src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi \
#                          src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi 3
# Needs the archive and the mixes bench/run.sh leaves in bench/out; both builds must know the archive's schema version
# (an older build refuses a newer file and exits). Computed path (response cache off), rate limiter off as in run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=$1 a=$2 b=$3 rounds=${4:-2}
base=http://127.0.0.1:5196
[ -f "bench/out/$scenario.paths" ] || { echo "bench/out/$scenario.paths is missing: run bench/run.sh first"; exit 1; }

run() {
  env RateLimiting__Enabled=false ResponseCache__Enabled=false PERSPECTIVES_DB=bench/out/archive-1000000.db \
    Logging__LogLevel__Default=Warning "$1" --urls "$base" >bench/out/ab-service.log 2>&1 &
  pid=$!  # not local: the trap below runs after the function has returned
  trap 'kill "${pid:-}" 2>/dev/null || true' EXIT
  for _ in $(seq 300); do curl -sf "$base/health/ready" >/dev/null && break; kill -0 "$pid" 2>/dev/null || { cat bench/out/ab-service.log >&2; exit 1; }; sleep 0.1; done
  wrk -t2 -c32 -d5s -s bench/paths.lua "$base" -- "bench/out/$scenario.paths" >/dev/null
  local before after out
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t2 -c32 -d8s -s bench/paths.lua "$base" -- "bench/out/$scenario.paths")
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local requests rate
  requests=$(echo "$out" | awk '/requests in/{print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  # /proc counts CPU time in clock ticks (100 per second): ticks × 10,000 µs ÷ requests.
  echo "$rate req/s, $(( (after - before) * 10000 / requests )) µs CPU/request"
}

for _ in $(seq "$rounds"); do echo "A $(run "$a") | B $(run "$b")"; done
