#!/usr/bin/env bash
# Parquet beside CSV: every stance of a large archive exported by the Release build as CSV, NDJSON and Parquet,
# each on a freshly started service, with rows/s, bytes and the service's peak RSS (VmHWM) for each; then the
# same for a part of them (the supporting stances, then one topic's), to show that memory does not grow with the row count. Finally DuckDB (npm @duckdb/node-api, if installed under bench/out/node) counts the Parquet rows.
# Needs: the .NET SDK, curl, python3 (stdlib sqlite3). Run: bash bench/parquet.sh [archive.db]
# The archive defaults to bench/out/archive-1000000.db (bench/run.sh makes it). The service migrates it to the
# current schema on its first start: give it a copy if other builds use the same file.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-bench/out/archive-1000000.db}
out=bench/out; mkdir -p "$out"
port=5197
[ -f "$db" ] || { echo "no archive at $db: run bench/run.sh first, or pass one"; exit 1; }

dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi

# RateLimiting__Enabled=false: the benchmark measures the stream, not the limiter's export budget.
start() { PERSPECTIVES_DB="$db" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false "$app" --urls "http://127.0.0.1:$port" >"$out/parquet-service.log" 2>&1 & pid=$!
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && return; sleep 0.5; done; echo "not ready"; exit 1; }
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
kb() { grep "$1" "/proc/$pid/status" | awk '{print $2}'; }

stances=$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute('SELECT count(*) FROM stances').fetchone()[0])" "$db")
topic=$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute('SELECT topic_id FROM stances GROUP BY topic_id ORDER BY count(*) DESC LIMIT 1').fetchone()[0])" "$db")
echo "archive: $db, $stances stances; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # label url rows
  start
  local base; base=$(kb VmRSS)
  local time; time=$(curl -s -o "$out/parquet-bench.out" -w '%{time_total}' "$2")
  local bytes; bytes=$(stat -c %s "$out/parquet-bench.out")
  local peak; peak=$(kb VmHWM)
  stop
  printf '%-28s %9d rows %8.1f s %9.0f rows/s %9.1f MB   RSS at start %6.1f MB, peak %6.1f MB\n' \
    "$1" "$3" "$time" "$(echo "$3 / $time" | bc -l)" "$(echo "$bytes / 1048576" | bc -l)" "$(echo "$base / 1024" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
}

measure "CSV, all stances" "http://127.0.0.1:$port/v1/stances?format=csv" "$stances"
measure "Parquet, all stances" "http://127.0.0.1:$port/v1/stances?format=parquet" "$stances"
cp "$out/parquet-bench.out" "$out/stances.parquet"
measure "NDJSON, all stances" "http://127.0.0.1:$port/v1/stances?format=ndjson" "$stances"
measure "tidy stances.parquet" "http://127.0.0.1:$port/v1/export/tables/stances.parquet" "$stances"
quarter=$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute(\"SELECT count(*) FROM stances WHERE position = 'supports'\").fetchone()[0])" "$db")
measure "Parquet, supports only" "http://127.0.0.1:$port/v1/stances?format=parquet&position=supports" "$quarter"
few=$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute('SELECT count(*) FROM stances WHERE topic_id = ?', (sys.argv[2],)).fetchone()[0])" "$db" "$topic")
measure "Parquet, one topic" "http://127.0.0.1:$port/v1/stances?format=parquet&topic=$topic" "$few"

if [ -d "$out/node/node_modules/@duckdb/node-api" ]; then
  node --input-type=module -e "
    import { DuckDBInstance } from '$PWD/$out/node/node_modules/@duckdb/node-api/lib/index.js';
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const r = await c.runAndReadAll(\"SELECT count(*) AS rows, count(DISTINCT topic_id) AS topics, min(held_at_first_day) AS first FROM '$out/stances.parquet'\");
    console.log('DuckDB reads stances.parquet:', JSON.stringify(r.getRowObjectsJson()[0]));"
fi
