#!/usr/bin/env bash
# The explorer's pages on the million-article archive (issue 14): the question with most stances (about
# 10,000), at its first page, at pages deep in it and filtered by an outlet, and article pages, each
# computed from the database (ResponseCache__Enabled=false), beside the API request each page is made
# from. One request at a time over a kept-alive connection, so each time is one page's own latency.
#
# Run:   bash bench/explorer.sh [requests per scenario, default 200]
# Needs: bench/out/archive-1000000.db (bash bench/run.sh generates it; a symlink to a copy will do), the .NET
#        SDK, python3 and curl. A first start on an archive of an older schema migrates it, once.
# Writes bench/out/explorer.txt. Targets 127.0.0.1 only; stops the service it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
db=bench/out/archive-1000000.db
port=5195
base="http://127.0.0.1:$port"
[ -e "$db" ] || { echo "$db is missing: bash bench/run.sh generates it"; exit 1; }

dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi
# RateLimiting__Enabled=false: the benchmark measures the pages, not the limiter's refusals.
PERSPECTIVES_DB="$db" ResponseCache__Enabled=false RateLimiting__Enabled=false Logging__LogLevel__Default=Warning \
  "$app" --urls "$base" >bench/out/explorer-service.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
deadline=$(( $(date +%s) + 900 ))
until curl -sf --max-time 5 "$base/health/ready" >/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat bench/out/explorer-service.log; exit 1; }
  [ "$(date +%s)" -lt "$deadline" ] || { echo "the service was not ready after 900 s"; exit 1; }
  sleep 0.5
done

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), shared; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/explorer.py "$base" "$requests"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); server peak RSS $(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 )) MB"
} | tee bench/out/explorer.txt
