#!/usr/bin/env bash
# One scenario of bench/run.sh on its own, for before/after comparisons while profiling:
#   bash bench/scenario.sh by-id [ENV=value ...]      e.g. bash bench/scenario.sh by-id ResponseCache__Enabled=false
# Needs the archive and the mixes that bench/run.sh leaves in bench/out. Restarts the Release service
# with the given environment, warms up for 5 s, then prints two 8 s wrk runs and the server's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=$1; shift
base=http://127.0.0.1:5197
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi
[ -f "bench/out/$scenario.paths" ] || { echo "bench/out/$scenario.paths is missing: run bench/run.sh first"; exit 1; }
dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
# RateLimiting__Enabled=false: the hardening issue's rate limiter is on by default and would refuse
# 32 connections from one address; the benchmark measures the service, not its refusals. (Before the
# given environment, so that a comparison can still switch it back on.)
env RateLimiting__Enabled=false "$@" PERSPECTIVES_DB=bench/out/archive-1000000.db Logging__LogLevel__Default=Warning "$app" --urls "$base" >bench/out/service.log 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "$base/health/ready" >/dev/null; do sleep 0.1; kill -0 "$pid" || { cat bench/out/service.log; exit 1; }; done
wrk -t2 -c32 -d5s -s bench/paths.lua "$base" -- "bench/out/$scenario.paths" >/dev/null
for _ in 1 2; do
  wrk -t2 -c32 -d8s --latency -s bench/paths.lua "$base" -- "bench/out/$scenario.paths" |
    awk -v s="$scenario" '/Requests\/sec/{r=$2} $1=="50%"{p50=$2} $1=="99%"{p99=$2} /Non-2xx/{bad=$NF} END{print s, "req/s", r, "p50", p50, "p99", p99, (bad ? "NON-2XX " bad : "")}'
done
echo "peak RSS $(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 )) MB"
