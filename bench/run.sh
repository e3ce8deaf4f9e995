#!/usr/bin/env bash
# The load benchmark of issue 6: a synthetic archive of N articles (default 1,000,000; generated once,
# then reused), the service in Release against it, wrk at 32 connections over a fixed mix of requests
# per scenario, and bare Kestrel answering fixed bytes of the same size as the ceiling.
# Two passes over the same mixes: "cached" (the service as it runs by default, with its response cache,
# started empty so each pass includes its misses) and "computed" (ResponseCache__Enabled=false: every
# request reads the database). Prints a table per pass (req/s, p50, p99, server peak RSS, fraction of
# the ceiling) and writes them to bench/out/results.txt. Targets 127.0.0.1 only; every run stops by itself.
# Needs: the .NET SDK, wrk (apt-get install wrk), curl, python3. Run: bash bench/run.sh [N] [seconds per scenario]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-1000000}
duration=${2:-10}
out=bench/out; mkdir -p "$out"
db="$out/archive-$articles.db"
port=5197; ceiling_port=5196
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
dotnet build -c Release bench/Ceiling -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi
ceiling=bench/Ceiling/bin/Release/net10.0/Ceiling

if [ ! -f "$db" ]; then
  echo "generating $articles articles into $db"
  /usr/bin/time -f "generation: %e s, peak RSS %M KB" env PERSPECTIVES_DB="$db" "$app" generate --articles "$articles" --seed 1 | grep -v '^{'
fi

start_service() { # extra env assignments... -> starts the service, sets $pid; waits until ready
  # Rate limiting off: wrk is one client asking thousands of times a second, which the limiter exists to refuse.
  # The benchmark measures the service; pass RateLimiting__Enabled=true (with large budgets) to measure the limiter.
  PERSPECTIVES_DB="$db" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false env "$@" "$app" --urls "$base" >"$out/service.log" 2>&1 & pid=$!
  until curl -sf "$base/health/ready" >/dev/null; do sleep 0.02; kill -0 "$pid" || { cat "$out/service.log"; exit 1; }; done
}
# The mixes are found with the response cache off, so the walk to the deep page leaves nothing behind.
start_service ResponseCache__Enabled=false
trap 'kill $pid ${ceiling_pid:-} 2>/dev/null || true' EXIT
# The request mixes, fixed by a seeded random generator so every run asks the same things.
python3 - "$out" "$articles" "$base" <<'PY'
import json, random, sys, urllib.request
out, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
r = random.Random(1)
def write(name, paths):
    with open(f"{out}/{name}.paths", "w") as f: f.write("\n".join(paths) + "\n")
def get(path): return json.load(urllib.request.urlopen(base + path))
outlets = [o["id"] for o in get("/v1/outlets?limit=100")["items"]]
topics = [t["id"] for t in get("/v1/topics?limit=100")["items"]]
write("by-id", [f"/v1/articles/article-{r.randrange(n):07d}" for _ in range(2000)])
write("first-page", ["/v1/articles?limit=20"])
write("filtered", [f"/v1/articles?limit=20&outlet={r.choice(outlets)}&from={y}-01-01&to={y + 2}-12-31" for y in [r.randrange(2015, 2024) for _ in range(500)]])
write("stances-of-topic", [f"/v1/topics/{r.choice(topics)}/stances?limit=20" for _ in range(500)])
write("fts-rare", ["/v1/articles?q=zugzwang&limit=20"])
write("fts-common", ["/v1/articles?q=pipeline&limit=20"])
write("topic-summary", [f"/v1/topics/{t}/summary" for t in topics])
# A deep page: the cursor after 500,000 rows (or half the archive), found by walking the list.
depth, seen, cursor = min(500_000, n // 2), 0, None
while seen < depth:
    page = get("/v1/articles?limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
    seen += len(page["items"]); cursor = page["nextCursor"]
write("deep-page", [f"/v1/articles?limit=20&cursor={urllib.parse.quote(cursor)}"])
print(f"deep page: cursor after {seen:,} rows")
PY
kill "$pid"; wait "$pid" 2>/dev/null || true

# Start-up: process start to /health/ready answering 200, on the existing archive.
start_ns=$(date +%s%N)
start_service
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
ASPNETCORE_URLS="http://127.0.0.1:$ceiling_port" "$ceiling" >/dev/null 2>&1 & ceiling_pid=$!
until curl -sf "http://127.0.0.1:$ceiling_port/fixed/10" >/dev/null; do sleep 0.05; done

rss_peak() { # pid -> starts a sampler writing the max VmRSS (KB) seen to $out/rss.max; prints the sampler's pid
  # The sampler's own output goes nowhere: $(rss_peak …) would otherwise wait for it to end.
  ( peak=0; while kill -0 "$1" 2>/dev/null; do r=$(awk '/VmRSS/{print $2}' "/proc/$1/status"); [ "$r" -gt "$peak" ] && peak=$r && echo $peak >"$out/rss.max"; sleep 0.1; done ) >/dev/null 2>&1 &
  echo $!
}
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }
wrk_run() { # url-or-paths-file base -> "rps p50 p99 non2xx"
  local result; result=$(wrk -t2 -c32 -d"${duration}s" --latency -s bench/paths.lua "$2" -- "$1" 2>&1)
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$result")
  p50=$(awk '$1=="50%"{print $2}' <<<"$result" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' <<<"$result" | to_ms)
  bad=$(awk '/Non-2xx/{print $NF}' <<<"$result"); echo "$rps $p50 $p99 ${bad:-0}"
}

scenarios="by-id first-page filtered deep-page stances-of-topic fts-rare fts-common topic-summary"
declare -A ceiling_rps
: >"$out/results.txt"
for pass in cached computed; do
  if [ "$pass" = computed ]; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
    start_service ResponseCache__Enabled=false
  fi
  echo "pass: $pass" | tee -a "$out/results.txt"
  printf '%-20s %10s %9s %9s %8s %12s %9s %6s\n' scenario "req/s" "p50 ms" "p99 ms" "RSS MB" "ceiling r/s" "fraction" "bytes" | tee -a "$out/results.txt"
  for scenario in $scenarios; do
    size=$(curl -s -o /dev/null -w '%{size_download}' "$base$(head -1 "$out/$scenario.paths")")
    echo 0 >"$out/rss.max"; sampler=$(rss_peak "$pid")
    # Warm-up: the same mix for 3 s, not measured (JIT tiers; in the cached pass, the mix's first misses).
    wrk -t2 -c32 -d3s -s bench/paths.lua "$base" -- "$out/$scenario.paths" >/dev/null 2>&1
    read -r rps p50 p99 bad < <(wrk_run "$out/$scenario.paths" "$base")
    kill "$sampler" 2>/dev/null || true; rss=$(( $(cat "$out/rss.max") / 1024 ))
    if [ -z "${ceiling_rps[$scenario]:-}" ]; then # measured once, in the same run
      echo "/fixed/$size" >"$out/ceiling.paths"
      read -r crps _ _ _ < <(wrk_run "$out/ceiling.paths" "http://127.0.0.1:$ceiling_port")
      ceiling_rps[$scenario]=$crps
    fi
    crps=${ceiling_rps[$scenario]}
    printf '%-20s %10.0f %9s %9s %8s %12.0f %9.2f %6s%s\n' "$scenario" "$rps" "$p50" "$p99" "$rss" "$crps" "$(echo "$rps / $crps" | bc -l)" "$size" \
      "$([ "$bad" != 0 ] && echo "  ($bad non-2xx!)")" | tee -a "$out/results.txt"
  done
  cached_hwm=${cached_hwm:-$(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 ))}
done

# Export: all stances as NDJSON in one stream.
echo 0 >"$out/rss.max"; sampler=$(rss_peak "$pid")
# Counted as it arrives (wc on a pipe): writing 1.4 GB to this machine's disk would slow the client, not the server.
export_start=$(date +%s%N)
rows=$(curl -s "$base/v1/stances?format=ndjson" | wc -l)
seconds=$(echo "($(date +%s%N) - $export_start) / 1000000000" | bc -l)
kill "$sampler" 2>/dev/null || true
printf '%-20s %10.0f rows/s  (%d rows in %.1f s)  peak RSS %d MB\n' "export-ndjson" "$(echo "$rows / $seconds" | bc -l)" "$rows" "$seconds" $(( $(cat "$out/rss.max") / 1024 )) | tee -a "$out/results.txt"
printf 'start-up to ready: %d ms;  server peak RSS over each whole pass (VmHWM): cached %d MB, computed (with the export) %d MB\n' \
  "$startup_ms" "$cached_hwm" $(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 )) | tee -a "$out/results.txt"
