#!/usr/bin/env bash
# Export throughput and memory: N generated stances (default 1,000,000) exported as NDJSON and
# CSV by the Release build; prints rows/s and the server's peak RSS, then exports a tenth of the
# rows to show that memory does not grow with the row count.
# Needs: the .NET SDK, curl, python3 (stdlib sqlite3, to generate the rows). Run: bash bench/export.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
out=bench/out; mkdir -p "$out"
db="$out/export-$rows.db"
port=5198

dotnet build -c Release src/PerspectivesApi -v quiet -nologo >/dev/null
app=src/PerspectivesApi/bin/Release/net10.0/PerspectivesApi

# RateLimiting__Enabled=false: the hardening issue's rate limiter is on by default; an export
# benchmark measures the stream, not the limiter's refusals.
start() { PERSPECTIVES_DB="$db" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false "$app" --urls "http://127.0.0.1:$port" >"$out/service.log" 2>&1 & pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && return; sleep 0.2; done; echo "not ready"; exit 1; }
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

if [ ! -f "$db" ]; then
  start; stop   # migrate and seed
  python3 - "$db" "$rows" <<'PY'
import sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
c.execute("""
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
  INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary)
  SELECT printf('generated-%07d', i), s.topic_id, s.article_id, s.author_id, s.position, s.quote, s.quote_start, s.quote_end, s.summary
  FROM k JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS r, * FROM stances) s ON s.r = i % 35""", (n,))
c.commit()
print("stances:", c.execute("SELECT count(*) FROM stances").fetchone()[0])
PY
fi

measure() { # url label
  local peak=0 rss
  ( while kill -0 "$pid" 2>/dev/null; do grep VmRSS "/proc/$pid/status" | awk '{print $2}'; sleep 0.1; done ) >"$out/rss.txt" &
  local sampler=$!
  local result; result=$(curl -s -o "$out/export.out" -w '%{time_total}' "$1")
  local lines; lines=$(wc -l <"$out/export.out")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  peak=$(sort -n "$out/rss.txt" | tail -1)
  printf '%-34s %10d lines %8.2f s %10.0f rows/s   peak RSS %6.1f MB\n' "$2" "$lines" "$result" "$(echo "$lines / $result" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
}

start
base=$(grep VmRSS "/proc/$pid/status" | awk '{print $2}')
printf 'server RSS after start: %.1f MB\n' "$(echo "$base / 1024" | bc -l)"
measure "http://127.0.0.1:$port/v1/stances?format=ndjson" "NDJSON, all stances"
measure "http://127.0.0.1:$port/v1/stances?format=csv" "CSV, all stances (incl. header)"
measure "http://127.0.0.1:$port/v1/stances?format=ndjson&topic=russia-losing-south-caucasus" "NDJSON, one topic (fewer rows)"
stop
