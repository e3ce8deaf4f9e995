#!/usr/bin/env bash
# The load benchmark of issues 6 and 13: a synthetic archive of N articles (default 1,000,000; generated
# once, then reused), the service in Release against it, wrk at 32 connections over a fixed mix of requests
# per scenario, bare Kestrel answering fixed bytes of the same size as the ceiling, and the peer, Datasette
# 0.64.8, serving the very same file in the same run.
#
# Three passes over the same seeded mixes, each scenario a 3 s warm-up then N s measured:
# - "cached": the service as it runs by default, with its response cache, started empty so each pass
#   includes its misses;
# - "computed": ResponseCache__Enabled=false, every request reads the database;
# - "peer": Datasette (immutable, `-i`) with its best settings, asked the equivalent URLs, which the same
#   generator writes from the same seeded choices (same ids, outlets, years, topics, words). It runs beside the
#   computed pass, each scenario measured on the peer right after the archive, so both meet the machine as it is then.
# Before each archive pass the archive file is read into the OS page cache, so that no pass times the disk; the
# ceiling is measured right after each scenario, in each pass.
# Then exports: all stances as NDJSON and as CSV from the service, and as CSV from Datasette (its stream
# stops at max_csv_mb, 100 MB: the rows it delivered are what is reported).
# Prints a table per pass (req/s, p50, p99, server peak RSS, fraction of the ceiling), then the passes side
# by side with the ratios archive ÷ Datasette (computed and cached), and writes it all to bench/out/results.txt.
#
# Run:   bash bench/run.sh [N] [seconds per scenario]          e.g. bash bench/run.sh 1000000 10
#        PEER=off bash bench/run.sh ...    the archive alone (no Python needed)
#        PEER=only bash bench/run.sh ...   the peer alone (the service still runs once, to find the mixes)
#        PROVIDER=PostgreSQL PG_CONNECTION="Host=…;Database=…;Username=…" PEER=off bash bench/run.sh ...
#                                          the same scenarios with the service on PostgreSQL (issue 16), results in
#                                          bench/out/results-postgresql.txt. The database must already hold the
#                                          archive: copy the generated file into it with
#                                          PERSPECTIVES_DB=bench/out/archive-N.db src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi copy --to-postgres "$PG_CONNECTION"
#                                          (27 min for the million), then VACUUM (ANALYZE) it.
# Needs: the .NET SDK, wrk (apt-get install wrk), curl, python3, bc; for the peer, Debian's own Python 3
# with the packages that ../shared/peers/README.md lists (checked before anything runs, with the
# apt-get line to install them). PEERS_DIR (default: ../shared/peers next to the repository) holds
# Datasette's unmodified source; PEER_PYTHON (default /usr/bin/python3) is the interpreter that runs it.
# A full run (N=1,000,000, 10 s) takes about 12 minutes on 2 cores after the build (7 min with 2 s).
# Targets 127.0.0.1 only; every step is bounded in time, and every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
articles=${1:-1000000}
duration=${2:-10}
peer_mode=${PEER:-on}
peers_dir=${PEERS_DIR:-$(dirname "$repo")/shared/peers}
peer_python=${PEER_PYTHON:-/usr/bin/python3}
provider=${PROVIDER:-Sqlite}
out=bench/out; mkdir -p "$out/peer"
results_file="$out/results.txt"
db_env=()
case "$provider" in
  Sqlite) ;;
  PostgreSQL)
    [ -n "${PG_CONNECTION:-}" ] || { echo "PROVIDER=PostgreSQL needs PG_CONNECTION, the connection string of the database holding the archive"; exit 1; }
    db_env=(Database__Provider=PostgreSQL "Database__ConnectionString=$PG_CONNECTION")
    results_file="$out/results-postgresql.txt" ;;
  *) echo "PROVIDER must be Sqlite or PostgreSQL (was '$provider')"; exit 1 ;;
esac
db="$out/archive-$articles.db"
port=5197; ceiling_port=5196; peer_port=5199
base="http://127.0.0.1:$port"
peer_base="http://127.0.0.1:$peer_port"

case "$peer_mode" in on|off|only) ;; *) echo "PEER must be on, off or only (was '$peer_mode')"; exit 1 ;; esac
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
if [ "$peer_mode" != off ]; then
  datasette_src="$peers_dir/datasette-0.64.8"
  [ -f "$datasette_src/datasette/__main__.py" ] || {
    echo "Datasette's source is not at $datasette_src: set PEERS_DIR to the folder holding datasette-0.64.8, or PEER=off to skip the peer"; exit 1; }
  missing=""
  for module in uvicorn click jinja2 httpx pluggy yaml aiofiles itsdangerous multipart pint janus hupper asgiref mergedeep click_default_group; do
    "$peer_python" -c "import $module" 2>/dev/null || missing="$missing $module"
  done
  if [ -n "$missing" ]; then
    echo "Datasette cannot run: $peer_python lacks the Python modules:$missing. Install Debian's packages:"
    echo "  apt-get update && apt-get install -y python3-uvicorn python3-click python3-jinja2 python3-httpx python3-pluggy \\"
    echo "    python3-yaml python3-aiofiles python3-itsdangerous python3-multipart python3-pint python3-janus \\"
    echo "    python3-hupper python3-asgiref python3-mergedeep python3-click-default-group"
    echo "or skip the peer with PEER=off."
    exit 1
  fi
fi

pid=""; ceiling_pid=""; peer_pid=""; sampler=""
cleanup() { for p in $sampler $pid $ceiling_pid $peer_pid; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM   # so that EXIT's cleanup runs on Ctrl-C and kill too

dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
dotnet build -c Release bench/Ceiling -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi
ceiling=bench/Ceiling/bin/Release/net10.0/Ceiling

if [ "$provider" = Sqlite ] && [ ! -f "$db" ]; then
  echo "generating $articles articles into $db"
  /usr/bin/time -f "generation: %e s, peak RSS %M KB" env PERSPECTIVES_DB="$db" "$app" generate --articles "$articles" --seed 1 | grep -v '^{'
fi

wait_until() { # seconds url pid what -> waits for the url to answer 2xx while pid lives, at most seconds
  local deadline=$(( $(date +%s) + $1 ))
  until curl -sf --max-time 5 "$2" >/dev/null; do
    kill -0 "$3" 2>/dev/null || { echo "$4 stopped before it was ready"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$4 not ready after $1 s"; return 1; }
    sleep 0.02
  done
}
stop() { # pid -> stops it, waiting at most 10 s before SIGKILL
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}
start_service() { # extra env assignments... -> starts the service, sets $pid; waits until ready
  # RateLimiting__Enabled=false: the hardening issue's rate limiter is on by default and would refuse
  # 32 connections from one address; the benchmark measures the service, not its refusals.
  PERSPECTIVES_DB="$db" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false env "${db_env[@]}" "$@" "$app" --urls "$base" >"$out/service.log" 2>&1 & pid=$!
  # A first start on an older file migrates it (34.6 s for schema 6 on the million-article file).
  wait_until 600 "$base/health/ready" "$pid" "the service" || { cat "$out/service.log"; exit 1; }
}
# The mixes are found with the response cache off, so the walk to the deep page leaves nothing behind.
start_service ResponseCache__Enabled=false
# The request mixes, fixed by a seeded random generator so every run asks the same things. Each choice is
# written twice: as the archive's URL (bench/out/<scenario>.paths) and as Datasette's equivalent
# (bench/out/peer/<scenario>.paths). New scenarios draw after the old ones, so old mixes stay as they were.
python3 - "$out" "$articles" "$base" <<'PY'
import json, random, sys, urllib.parse, urllib.request
out, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
r = random.Random(1)
def write(name, paths, peer_paths=None):
    with open(f"{out}/{name}.paths", "w") as f: f.write("\n".join(paths) + "\n")
    if peer_paths:
        with open(f"{out}/peer/{name}.paths", "w") as f: f.write("\n".join(peer_paths) + "\n")
def get(path): return json.load(urllib.request.urlopen(base + path, timeout=60))
# Datasette's best settings for a list: no count, and only the columns an article summary shows (not the
# 2 KB body). The FTS table is named because Datasette's detection looks for content="articles" and the
# schema says content = 'articles'.
summary = "&_nocount=1&" + "&".join(f"_col={c}" for c in ["title", "genre", "language", "outlet_id", "url",
    "published_date", "published_precision", "published_inferred", "published_reasoning", "excerpt"])
peer = "/archive"
outlets = [o["id"] for o in get("/v1/outlets?limit=100")["items"]]
topics = [t["id"] for t in get("/v1/topics?limit=100")["items"]]
ids = [r.randrange(n) for _ in range(2000)]
write("by-id", [f"/v1/articles/article-{i:07d}" for i in ids], [f"{peer}/articles/article-{i:07d}.json" for i in ids])
write("first-page", ["/v1/articles?limit=20"], [f"{peer}/articles.json?_size=20&_sort_desc=published_key{summary}"])
years = [r.randrange(2015, 2024) for _ in range(500)]
filtered = [(r.choice(outlets), y) for y in years]
write("filtered", [f"/v1/articles?limit=20&outlet={o}&from={y}-01-01&to={y + 2}-12-31" for o, y in filtered],
      # The archive's "to" is published_key <= to AND published_end <= to; the first follows from the second.
      [f"{peer}/articles.json?outlet_id={o}&published_key__gte={y}-01-01&published_end__lte={y + 2}-12-31&_size=20&_sort_desc=published_key{summary}"
       for o, y in filtered])
stance_topics = [r.choice(topics) for _ in range(500)]
write("stances-of-topic", [f"/v1/topics/{t}/stances?limit=20" for t in stance_topics],
      [f"{peer}/stances.json?topic_id={t}&_size=20&_nocount=1" for t in stance_topics])
for name, word in [("fts-rare", "zugzwang"), ("fts-common", "pipeline")]:
    write(name, [f"/v1/articles?q={word}&limit=20"], [f"{peer}/articles.json?_search={word}&_fts_table=articles_fts&_size=20{summary}"])
write("topic-summary", [f"/v1/topics/{t}/summary" for t in topics])  # no peer equivalent: see bench/RESULTS.md
# A deep page: the cursor after 500,000 rows (or half the archive), found by walking the list.
depth, seen, cursor = min(500_000, n // 2), 0, None
while seen < depth:
    page = get("/v1/articles?limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
    seen += len(page["items"]); cursor = page["nextCursor"]; last = page["items"][-1]
# Datasette's keyset token is "<sort value>,<primary key>", tilde-encoded. Its order breaks ties by id
# ascending where the archive's goes descending, so its page starts after the same row, within one day's articles.
def tilde(s): return "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "".join(f"~{b:02X}" for b in c.encode()) for c in s)
published = last["published"] or {}
key = {"day": "{}", "month": "{}-01", "year": "{}-01-01"}.get(published.get("precision"), "").format(published.get("date"))
write("deep-page", [f"/v1/articles?limit=20&cursor={urllib.parse.quote(cursor)}"],
      [f"{peer}/articles.json?_size=20&_sort_desc=published_key&_next={urllib.parse.quote(tilde(key) + ',' + tilde(last['id']))}{summary}"])
print(f"deep page: cursor after {seen:,} rows")
facet_topics = [r.choice(topics) for _ in range(500)]
write("facets", [f"/v1/stances?topic={t}&facet=position&facet=author&limit=1" for t in facet_topics],
      [f"{peer}/stances.json?topic_id={t}&_facet=position&_facet=author_id&_size=1&_nocount=1" for t in facet_topics])
PY
stop "$pid"; pid=""

rss_peak() { # pid -> starts a sampler writing the max VmRSS (KB) seen to $out/rss.max; prints the sampler's pid
  # The sampler's own output goes nowhere: $(rss_peak …) would otherwise wait for it to end.
  ( peak=0; while kill -0 "$1" 2>/dev/null; do r=$(awk '/VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo $peak >"$out/rss.max"; sleep 0.1; done ) >/dev/null 2>&1 &
  echo $!
}
hwm_mb() { echo $(( $(awk '/VmHWM/{print $2}' "/proc/$1/status") / 1024 )); }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }
# --timeout 30s: wrk leaves answers slower than its timeout (2 s by default) out of the latency
# percentiles; a slow scenario's p50 and p99 must include them.
wrk_run() { # paths-file base seconds -> "rps p50 p99 non2xx socket-errors"
  local result; result=$(wrk -t2 -c32 -d"$3s" --timeout 30s --latency -s bench/paths.lua "$2" -- "$1" 2>&1)
  local rps p50 p99 bad errors
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$result")
  p50=$(awk '$1=="50%"{print $2}' <<<"$result" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' <<<"$result" | to_ms)
  bad=$(awk '/Non-2xx/{print $NF}' <<<"$result")
  # "Socket errors: connect 0, read 0, write 0, timeout 0", printed only when one is not 0.
  errors=$(awk '/Socket errors/{gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$result")
  echo "${rps:-0} ${p50:-0} ${p99:-0} ${bad:-0} ${errors:-0}"
}
problems() { # non2xx socket-errors -> a note for the table, empty when there were none
  [ "$1" != 0 ] && printf '  (%s non-2xx!)' "$1"
  [ "$2" != 0 ] && printf '  (%s socket errors or timeouts!)' "$2"
  true
}
measure() { # paths-file base server-pid -> warm-up, then "rps p50 p99 non2xx socket-errors rss-MB"
  echo 0 >"$out/rss.max"; sampler=$(rss_peak "$3")
  # Warm-up: the same mix for 3 s, not measured (JIT tiers; in the cached pass, the mix's first misses).
  wrk -t2 -c32 -d3s --timeout 30s -s bench/paths.lua "$2" -- "$1" >/dev/null 2>&1
  local rps p50 p99 bad errors
  read -r rps p50 p99 bad errors < <(wrk_run "$1" "$2" "$duration")
  kill "$sampler" 2>/dev/null || true; sampler=""
  echo "$rps $p50 $p99 $bad $errors $(( $(cat "$out/rss.max") / 1024 ))"
}
export_run() { # url label server-pid header-lines -> prints a line and sets export_rows/export_rate/export_capped
  # Counted as it arrives (a pipe, never a file): writing gigabytes to this machine's disk would slow the
  # client, not the server. Datasette ends a capped CSV with "CSV contains more than … bytes" and no newline.
  echo 0 >"$out/rss.max"; sampler=$(rss_peak "$3")
  local start seconds lines bytes
  start=$(date +%s%N)
  read -r lines bytes export_capped < <(curl -s --max-time 900 "$1" | python3 -c '
import sys
lines = size = 0; tail = b""
for chunk in iter(lambda: sys.stdin.buffer.read(1 << 20), b""):
    lines += chunk.count(b"\n"); size += len(chunk); tail = (tail + chunk)[-200:]
print(lines, size, int(b"CSV contains more than" in tail))')
  seconds=$(echo "($(date +%s%N) - $start) / 1000000000" | bc -l)
  kill "$sampler" 2>/dev/null || true; sampler=""
  export_rows=$(( lines - $4 )); export_rate=$(echo "$export_rows / $seconds" | bc -l)
  printf '%-20s %10.0f rows/s  (%d rows, %d MB, in %.1f s%s)  peak RSS %d MB\n' "$2" "$export_rate" "$export_rows" $(( bytes / 1048576 )) "$seconds" \
    "$([ "$export_capped" = 1 ] && echo ', stopped at the max_csv_mb cap')" $(( $(cat "$out/rss.max") / 1024 )) | tee -a "$results_file"
}

start_peer() { # starts Datasette on the same file, sets $peer_pid, and prints the peer's table header
  # Datasette names the database after its file: a link named archive.db makes its URLs /archive/….
  ln -sfn "$(realpath "$db")" "$out/peer/archive.db"
  local start_ns; start_ns=$(date +%s%N)
  # Its best settings: immutable (no locking; row counts taken once, at start-up), facet suggestions off,
  # time limits raised so that a slow answer is measured rather than cut off. Everything else is its default,
  # including uvicorn's access log, which `datasette serve` fixes at level info (it goes to peer.log).
  env PYTHONPATH="$datasette_src" "$peer_python" -m datasette serve -i "$out/peer/archive.db" -h 127.0.0.1 -p "$peer_port" \
    --setting suggest_facets off --setting sql_time_limit_ms 30000 --setting facet_time_limit_ms 30000 >"$out/peer.log" 2>&1 & peer_pid=$!
  wait_until 600 "$peer_base/archive/topics.json?_size=1&_nocount=1" "$peer_pid" "Datasette" || { cat "$out/peer.log"; exit 1; }
  peer_startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  printf 'pass: peer (Datasette 0.64.8, same file, immutable)\n%-20s %10s %9s %9s %8s %6s\n' scenario "req/s" "p50 ms" "p99 ms" "RSS MB" "bytes" >"$out/peer-table.txt"
}
measure_peer() { # scenario -> measures Datasette on its equivalent mix and adds a row to the peer's table
  if [ ! -f "$out/peer/$1.paths" ]; then
    printf '%-20s %10s\n' "$1" "n/a (no equivalent request)" >>"$out/peer-table.txt"; return
  fi
  local size rps p50 p99 bad errors rss
  size=$(curl -s --max-time 60 -o /dev/null -w '%{size_download}' "$peer_base$(head -1 "$out/peer/$1.paths")")
  read -r rps p50 p99 bad errors rss < <(measure "$out/peer/$1.paths" "$peer_base" "$peer_pid")
  result[peer:$1]="$rps $p50 $p99"
  printf '%-20s %10.0f %9s %9s %8s %6s%s\n' "$1" "$rps" "$p50" "$p99" "$rss" "$size" "$(problems "$bad" "$errors")" >>"$out/peer-table.txt"
}

scenarios="by-id first-page filtered deep-page stances-of-topic fts-rare fts-common topic-summary facets"
declare -A result ceiling_rps hwm
: >"$results_file"
echo "bash bench/run.sh $articles $duration (PEER=$peer_mode, PROVIDER=$provider), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores" | tee -a "$results_file"

# This VM drops file pages that have not been read for a while (2.3 GB of the 8.6 GB million-article file were
# cached after it was generated): read it once, so that every pass, the peer's included, reads from memory.
[ "$provider" = Sqlite ] && cat "$db" >/dev/null

if [ "$peer_mode" != only ]; then
  # Start-up: process start to /health/ready answering 200, on the existing archive.
  start_ns=$(date +%s%N)
  start_service
  startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  ASPNETCORE_URLS="http://127.0.0.1:$ceiling_port" "$ceiling" >/dev/null 2>&1 & ceiling_pid=$!
  wait_until 60 "http://127.0.0.1:$ceiling_port/fixed/10" "$ceiling_pid" "the ceiling app"

  for pass in cached computed; do
    if [ "$pass" = computed ]; then
      stop "$pid"
      # Read again: the cached pass answers from memory and leaves the file's pages cold, which this VM then drops.
      [ "$provider" = Sqlite ] && cat "$db" >/dev/null
      start_service ResponseCache__Enabled=false
      # The peer, idle until its turn, runs beside the computed service: each scenario is measured on the archive and
      # then at once on Datasette, so that the ratio compares the two a few seconds apart, whatever the shared machine
      # does over the whole run (its speed drifts by a third from minute to minute: bench/PERF.md).
      [ "$peer_mode" = on ] && start_peer
    fi
    echo "pass: $pass" | tee -a "$results_file"
    printf '%-20s %10s %9s %9s %8s %12s %9s %6s\n' scenario "req/s" "p50 ms" "p99 ms" "RSS MB" "ceiling r/s" "fraction" "bytes" | tee -a "$results_file"
    for scenario in $scenarios; do
      size=$(curl -s --max-time 60 -o /dev/null -w '%{size_download}' "$base$(head -1 "$out/$scenario.paths")")
      read -r rps p50 p99 bad errors rss < <(measure "$out/$scenario.paths" "$base" "$pid")
      result[$pass:$scenario]="$rps $p50 $p99"
      # The ceiling right after the scenario, in each pass: the machine's speed drifts from minute to minute, and a
      # fraction should compare the two a few seconds apart (until 2026-12-08, once per scenario, in the cached pass).
      echo "/fixed/$size" >"$out/ceiling.paths"
      read -r crps _ _ _ _ < <(wrk_run "$out/ceiling.paths" "http://127.0.0.1:$ceiling_port" "$duration")
      ceiling_rps[$pass:$scenario]=$crps
      printf '%-20s %10.0f %9s %9s %8s %12.0f %9.2f %6s%s\n' "$scenario" "$rps" "$p50" "$p99" "$rss" "$crps" "$(echo "$rps / $crps" | bc -l)" "$size" \
        "$(problems "$bad" "$errors")" | tee -a "$results_file"
      [ "$pass" = computed ] && [ "$peer_mode" = on ] && measure_peer "$scenario"
    done
    hwm[$pass]=$(hwm_mb "$pid")
  done
  [ "$peer_mode" = on ] && tee -a "$results_file" <"$out/peer-table.txt"
  stop "$ceiling_pid"; ceiling_pid=""

  # Exports: all stances in one stream, as NDJSON and as CSV (the format Datasette also streams).
  export_run "$base/v1/stances?format=ndjson" export-ndjson "$pid" 0
  export_run "$base/v1/stances?format=csv" export-csv "$pid" 1
  result[computed:export-csv]="$export_rate $export_rows"
  hwm[computed]=$(hwm_mb "$pid")
  printf 'start-up to ready: %d ms;  server peak RSS over each whole pass (VmHWM): cached %d MB, computed (with the exports) %d MB\n' \
    "$startup_ms" "${hwm[cached]}" "${hwm[computed]}" | tee -a "$results_file"
  stop "$pid"; pid=""
fi

if [ "$peer_mode" != off ]; then
  if [ "$peer_mode" = only ]; then
    start_peer
    for scenario in $scenarios; do measure_peer "$scenario"; done
  fi
  export_run "$peer_base/archive/stances.csv?_stream=on&_size=max" export-csv "$peer_pid" 1
  result[peer:export-csv]="$export_rate $export_rows $export_capped"
  hwm[peer]=$(hwm_mb "$peer_pid")
  printf 'Datasette start-up to ready: %d ms;  peak RSS over the whole pass (VmHWM, with the export): %d MB\n' \
    "$peer_startup_ms" "${hwm[peer]}" | tee -a "$results_file"
  stop "$peer_pid"; peer_pid=""
fi

# The passes side by side, as a Markdown table for bench/RESULTS.md: req/s (p50 / p99 ms), and the ratios
# archive ÷ Datasette over the same mix in the same run.
{
  echo
  echo "side by side: req/s (p50 / p99 ms); ratios = archive req/s ÷ Datasette req/s, same mix, same run"
  echo
  echo "| scenario | archive, cached | archive, computed | Datasette 0.64.8 | computed ÷ Datasette | cached ÷ Datasette |"
  echo "|---|---:|---:|---:|---:|---:|"
  # wrk reports 0 req/s when no request finished within the run (a scenario slower than its duration).
  figure() { [ -n "${result[$1]:-}" ] && awk -v d="$duration" '{ if ($1 > 0) printf "%.0f (%s / %s)", $1, $2, $3; else printf "0 (none finished in %s s)", d }' <<<"${result[$1]}"; true; }
  ratio() { # archive-key peer-key
    [ -n "${result[$1]:-}" ] && [ -n "${result[$2]:-}" ] && awk -v a="${result[$1]%% *}" -v p="${result[$2]%% *}" \
      'BEGIN{ if (p > 0) printf "%.2f×", a / p; else if (a > 0) printf "∞ (Datasette finished none)"; else printf "(neither finished)" }'
    true
  }
  for scenario in $scenarios; do
    peer_figure=$(figure "peer:$scenario")
    [ "$peer_mode" != off ] && [ ! -f "$out/peer/$scenario.paths" ] && peer_figure="n/a"
    echo "| $scenario | $(figure "cached:$scenario") | $(figure "computed:$scenario") | $peer_figure | $(ratio "computed:$scenario" "peer:$scenario") | $(ratio "cached:$scenario" "peer:$scenario") |"
  done
  archive_export=""; peer_export=""
  [ -n "${result[computed:export-csv]:-}" ] && archive_export=$(awk '{printf "%.0f rows/s (all %d rows)", $1, $2}' <<<"${result[computed:export-csv]}")
  [ -n "${result[peer:export-csv]:-}" ] && peer_export=$(awk '{printf "%.0f rows/s (%s %d rows)", $1, ($3 == 1 ? "stopped at the 100 MB cap after" : "all"), $2}' <<<"${result[peer:export-csv]}")
  echo "| export-csv | (never cached) | $archive_export | $peer_export | $(ratio "computed:export-csv" "peer:export-csv") | |"
  echo
  echo "peak RSS (VmHWM): archive cached ${hwm[cached]:-n/a} MB, computed with the exports ${hwm[computed]:-n/a} MB; Datasette ${hwm[peer]:-n/a} MB"
} | tee -a "$results_file"
