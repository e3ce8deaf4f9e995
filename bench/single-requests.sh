#!/bin/bash
# usage: bench/single-requests.sh PerspectivesApi.dll PORT URL...  (archive: PERSPECTIVES_DB, default /tmp/perf/a.db)
# The median of 10 single requests after one warm-up, response cache and rate limiter off: what one computed answer costs.
DLL=$1; PORT=$2; shift 2
cd $(dirname $DLL)
PERSPECTIVES_DB=${PERSPECTIVES_DB:-/tmp/perf/a.db} ResponseCache__Enabled=false RateLimiting__Enabled=false ASPNETCORE_URLS=http://127.0.0.1:$PORT Logging__LogLevel__Default=Warning dotnet $DLL --urls http://127.0.0.1:$PORT > "${TMPDIR:-/tmp}/single-requests-$PORT.log" 2>&1 &
PID=$!
for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:$PORT/v1/topics?limit=1 && break; sleep 0.3; done
for URL in "$@"; do
  curl -s -o /dev/null "http://127.0.0.1:$PORT$URL"
  T=$(for i in $(seq 10); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$URL"; done | sort -n | sed -n 5,6p | awk '{s+=$1} END {printf "%.1f", s/2*1000}')
  S=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$PORT$URL")
  echo "$T ms  ($S B)  $URL"
done
kill $PID
