#!/usr/bin/env bash
# What response compression costs and saves (issue 10): the Release service on a generated archive of N
# articles (default 20,000; generated once into bench/out, then reused), wrk on three URLs (a page of
# articles, the OpenAPI document, a CSV export of one topic's stances), each asked plainly and with
# Accept-Encoding: gzip and br, under three settings: compression off, the defaults (Brotli quality 2, gzip
# Fastest) and stronger ones (Brotli quality 5, gzip Optimal). Prints req/s, p50, the server's CPU time per
# answer (user + system, from /proc: unlike req/s it holds still on a machine shared with other work) and
# bytes per answer, and for the export the time to its first
# byte (it must still stream) and the server's peak RSS. The response cache stays on, as it runs by default,
# so a page is compressed again on every hit; rate limiting is switched off (RateLimiting__Enabled=false).
# Targets 127.0.0.1 only. Needs the .NET SDK, wrk, curl.
# Run: bash bench/compression.sh [N] [seconds per case] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-20000}
duration=${2:-10}
connections=${3:-8}
out=bench/out; mkdir -p "$out"
db="$out/compression-$articles.db"
port=5198
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi
if [ ! -f "$db" ]; then
  echo "generating $articles articles into $db"
  PERSPECTIVES_DB="$db" "$app" generate --articles "$articles" --seed 1 | grep -v '^{' || true
fi

pid=
stop_service() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap stop_service EXIT
start_service() { # extra env assignments... -> starts the service, sets $pid; waits until ready
  env PERSPECTIVES_DB="$db" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false "$@" "$app" --urls "$base" >"$out/compression-service.log" 2>&1 & pid=$!
  until curl -sf "$base/health/ready" >/dev/null; do sleep 0.05; kill -0 "$pid" || { cat "$out/compression-service.log"; exit 1; }; done
}

start_service
topic=$(curl -s "$base/v1/topics?limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
stop_service
declare -A urls=(
  [page]="/v1/articles?limit=20"
  [openapi]="/swagger/v1/swagger.json"
  [csv-export]="/v1/topics/$topic/stances?format=csv"
)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)
printf '%-10s %-10s %-9s %10s %9s %12s %12s\n' setting url encoding req/s p50 cpu-ms/req bytes
for setting in off default stronger; do
  case $setting in
    off) start_service Compression__Enabled=false; encodings="identity" ;;
    default) start_service; encodings="identity gzip br" ;;
    stronger) start_service Compression__BrotliQuality=5 Compression__GzipLevel=Optimal; encodings="identity gzip br" ;;
  esac
  for name in page openapi csv-export; do
    url="$base${urls[$name]}"
    for encoding in $encodings; do
      header="Accept-Encoding: $encoding"
      bytes=$(curl -s -H "$header" -o /dev/null -w '%{size_download}' "$url")
      wrk -t2 -c"$connections" -d2s --timeout 30s -H "$header" "$url" >/dev/null # warm-up
      before=$(cpu_ticks)
      report=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 30s --latency -H "$header" "$url")
      cpu=$(( $(cpu_ticks) - before ))
      echo "$report" | awk -v s="$setting" -v n="$name" -v e="$encoding" -v b="$bytes" -v cpu="$cpu" -v hz="$ticks_per_second" \
        '/requests in/{count=$1} /Requests\/sec/{r=$2} $1=="50%"{p50=$2} /Non-2xx/{bad=$NF}
         END{printf "%-10s %-10s %-9s %10s %9s %12.3f %12s %s\n", s, n, e, r, p50, cpu * 1000 / hz / count, b, (bad ? "NON-2XX " bad : "")}'
    done
  done
  # Streaming: the first byte of a compressed export arrives long before its last.
  if [ "$setting" != off ]; then
    curl -s -H 'Accept-Encoding: br' -o /dev/null -w "$setting export br: first byte %{time_starttransfer} s, last %{time_total} s, %{size_download} bytes\n" "$base/v1/stances?format=csv"
  else
    curl -s -o /dev/null -w "$setting export: first byte %{time_starttransfer} s, last %{time_total} s, %{size_download} bytes\n" "$base/v1/stances?format=csv"
  fi
  echo "$setting: server peak RSS $(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 )) MB"
  stop_service
done
