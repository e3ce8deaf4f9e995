#!/usr/bin/env bash
# What the rate limiter and response compression cost (issue 10): the Release service on a generated archive,
# each scenario driven by wrk under four settings, taken in turns (A B C D, A B C D, …) so that a machine
# shared with other work slows every setting alike; the medians over the rounds are reported.
#   off          RateLimiting__Enabled=false, no Accept-Encoding (what the benchmarks ran before)
#   limiter      the limiter on, with budgets so large that nothing is refused (every request is still counted
#                and gets its RateLimit headers)
#   compression  the limiter off, Accept-Encoding: br (Brotli at the default quality)
#   both         the limiter on and Brotli: the service as it runs in public
# Run: bash bench/limits.sh [articles=20000] [seconds per run=5] [rounds=3]. Targets 127.0.0.1 only; stops by itself.
# Needs wrk (apt-get install wrk), curl, python3. Writes bench/out/limits.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-20000}; seconds=${2:-5}; rounds=${3:-3}
out=bench/out; mkdir -p "$out"
db="$out/archive-$articles.db"
port=5195; base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi
[ -f "$db" ] || PERSPECTIVES_DB="$db" "$app" generate --articles "$articles" --seed 1 | grep -v '^{'

pid=""
stop() { [ -z "$pid" ] && return 0; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
trap stop EXIT
start() { # cache(on|off) limiter(on|off)
  local limiter=(RateLimiting__Enabled=false)
  [ "$2" = on ] && limiter=(RateLimiting__Enabled=true RateLimiting__Default__Quota=1000000000 RateLimiting__Default__Burst=1000000000
                           RateLimiting__Expensive__Quota=1000000000 RateLimiting__Expensive__Burst=1000000000)
  env PERSPECTIVES_DB="$db" Logging__LogLevel__Default=Warning ResponseCache__Enabled=$([ "$1" = on ] && echo true || echo false) \
      "${limiter[@]}" "$app" --urls "$base" >"$out/limits-service.log" 2>&1 & pid=$!
  for _ in $(seq 1 600); do curl -sf --max-time 2 "$base/health/ready" >/dev/null && return 0; sleep 0.1; done
  echo "the service did not start"; cat "$out/limits-service.log"; exit 1
}

# Request mixes from a seeded generator: the same every run.
python3 - "$out" "$articles" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
r = random.Random(1)
def write(name, paths):
    open(f"{out}/limits-{name}.paths", "w").write("\n".join(paths) + "\n")
write("by-id", [f"/v1/articles/article-{r.randrange(n):07d}" for _ in range(2000)])
write("first-page", ["/v1/articles?limit=20"])
write("stances-page", [f"/v1/stances?limit=20&position={p}" for p in ["supports", "opposes", "mixed", "neutral"]])
PY

run() { # scenario encoding -> req/s
  local header=(); [ "$2" = br ] && header=(-H "Accept-Encoding: br")
  wrk -t2 -c32 -d"${seconds}s" "${header[@]}" -s bench/paths.lua "$base" -- "$out/limits-$1.paths" |
    awk '/Requests\/sec/{print $2} /Non-2xx/{print "NON-2XX " $NF > "/dev/stderr"}'
}

results="$out/limits.txt"; : >"$results"
for cache in on off; do
  for scenario in by-id first-page stances-page; do
    for round in $(seq 1 "$rounds"); do
      for setting in off limiter compression both; do
        limiter=off; encoding=identity
        case $setting in limiter) limiter=on ;; compression) encoding=br ;; both) limiter=on; encoding=br ;; esac
        start "$cache" "$limiter"
        wrk -t2 -c32 -d2s -s bench/paths.lua "$base" -- "$out/limits-$scenario.paths" >/dev/null # warm-up
        echo "$cache $scenario $setting $(run "$scenario" "$encoding")" | tee -a "$results"
        stop
      done
    done
  done
done

echo; echo "median req/s over $rounds rounds of ${seconds} s (wrk -t2 -c32), $articles articles"
python3 - "$results" <<'PY'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    cache, scenario, setting, rps = line.split()
    runs[(cache, scenario, setting)].append(float(rps))
print(f"{'cache':6} {'scenario':13} {'off':>9} {'limiter':>9} {'Δ':>7} {'compress':>9} {'Δ':>7} {'both':>9} {'Δ':>7}")
for cache in ["on", "off"]:
    for scenario in ["by-id", "first-page", "stances-page"]:
        m = {s: statistics.median(runs[(cache, scenario, s)]) for s in ["off", "limiter", "compression", "both"]}
        d = lambda s: f"{(m[s] / m['off'] - 1) * 100:+.0f}%"
        print(f"{cache:6} {scenario:13} {m['off']:9.0f} {m['limiter']:9.0f} {d('limiter'):>7} {m['compression']:9.0f} {d('compression'):>7} {m['both']:9.0f} {d('both'):>7}")
PY
