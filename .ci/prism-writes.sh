#!/usr/bin/env bash
# Drives a whole curator cycle through Prism's validating proxy, so that every write request and every
# answer to it (201, the idempotent replay, 200, 304, 412, 428, 204, 410, the restore, the paged
# revisions and the changes feed) is checked against openapi/v1.json, the contract client generators
# read. The contract tests check the document and the fuzz test checks statuses; only this sees a write
# answered in a shape the contract does not declare, the way a third-party client's validator would.
#
#   bash .ci/prism-writes.sh [CONTRACT]     (default: openapi/v1.json, the contract the service serves)
#
# It builds the service (Release), makes a fresh archive in a temporary folder with a curator key, serves
# it on 127.0.0.1 (rate limits off: the cycle is a burst of writes from one client), and puts
# `prism proxy openapi/v1.json API --errors` in front of it. For an outlet, a topic and an author in turn:
# POST without id (with Idempotency-Key), the same POST again (replayed), GET (its ETag), GET with
# If-None-Match (304), PATCH as a merge patch with If-Match, PATCH with the stale ETag (412), PATCH without
# If-Match (428), DELETE with If-Match, GET (410), POST …/revisions/{seq}/restore of the deletion (no body),
# GET (200 again), then …/revisions and /v1/changes paged to their ends. Every request carries the key,
# reads included, as a curator's generated client sends it. Each step expects one status; the few things
# read back (the replay answers the first body, the history holds four revisions, the feed the twelve
# changes made) count as unexpected too when they differ. A violation is what Prism reports as an error
# or a warning: the sl-violations header (request and response), the 500 VIOLATIONS problem --errors puts
# in place of an invalid answer, or any other problem Prism answers itself (a request the contract
# refuses never reaches the service). It ends with one line,
#   prism curator cycle: N requests, V violations, U unexpected statuses
# prints each violation and unexpected status above it, and exits 0 only when V and U are both 0.
#
# Needs the .NET SDK, Node.js with npm, and curl. Prism is installed with npm from .ci/contract-tools
# (pinned by its package-lock.json, beside Optic) into the cache directory .ci/contract-breaking.sh uses,
# once per lock file. Only 127.0.0.1 is ever contacted, on free ports; both processes are stopped on exit.
# Settings: CONTRACT_TOOLS_CACHE (default ~/.cache/perspectives-contract-tools), PRISM_WRITES_BUDGET_S
# (default 240: the time allowed for starting both processes and driving the cycle), PRISM_WRITES_KEEP=DIR
# (keeps the service's and Prism's logs and every exchange there).
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NO_UPDATE_NOTIFIER=1 FORCE_COLOR=0 NO_COLOR=1
contract=${1:-openapi/v1.json}
[ -f "$contract" ] || { echo "prism-writes: $contract does not exist"; exit 2; }
budget=${PRISM_WRITES_BUDGET_S:-240}

command -v curl >/dev/null || { echo "prism-writes: curl is needed"; exit 2; }
command -v node >/dev/null || { echo "prism-writes: Node.js is needed"; exit 2; }

# The pinned tools, installed once for this script and .ci/contract-breaking.sh.
bin=$(bash .ci/contract-tools/install.sh prism-writes) || exit 1
prism="$bin/prism"

work=$(mktemp -d /tmp/prism-writes.XXXXXX)
service=""; proxy=""
stop_pid() { # stop one process this script started, by its PID: TERM, then KILL after 3 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 10); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }; sleep 0.3; done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}
cleanup() {
  stop_pid "$proxy"; stop_pid "$service"
  if [ -n "${PRISM_WRITES_KEEP:-}" ]; then mkdir -p "$PRISM_WRITES_KEEP" && cp -r "$work"/. "$PRISM_WRITES_KEEP"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Release, as the service is deployed; the tests build Debug, so this is its own (incremental) build.
echo "prism-writes: dotnet build src/PerspectivesApi -c Release"
if ! timeout 600 dotnet build src/PerspectivesApi -c Release -v quiet -nologo >"$work/build.log" 2>&1; then
  tail -30 "$work/build.log"; echo "prism-writes: the service did not build"; exit 1
fi
dll=$(ls src/PerspectivesApi/bin/Release/net*/PerspectivesApi.dll 2>/dev/null | sort -V | tail -1)
[ -n "$dll" ] || { echo "prism-writes: no PerspectivesApi.dll under src/PerspectivesApi/bin/Release"; exit 1; }
dll=$(realpath "$dll")

start=$SECONDS
left() { echo $(( budget - (SECONDS - start) )); }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# A fresh archive: the first start (here, keys create) migrates and seeds it.
export PERSPECTIVES_DB="$work/archive.db"
if ! key_out=$(cd "$work" && timeout 120 dotnet "$dll" keys create --name prism 2>&1); then
  echo "prism-writes: keys create failed:"; echo "$key_out" | tail -20; exit 1
fi
key=$(grep -oE '^pa_[A-Za-z0-9_-]+' <<<"$key_out" | head -1)
[ -n "$key" ] || { echo "prism-writes: no key in the output of keys create:"; echo "$key_out" | tail -5; exit 1; }

# The service runs from the temporary folder (its content root), so nothing is written to the checkout.
api_port=$(free_port)
(cd "$work" && RateLimiting__Enabled=false exec dotnet "$dll" --urls "http://127.0.0.1:$api_port") >"$work/service.log" 2>&1 &
service=$!
api="http://127.0.0.1:$api_port"
ready=""
for _ in $(seq 1 $(( $(left) < 60 ? $(left) : 60 ))); do
  if curl -fsS --max-time 2 "$api/health/ready" 2>/dev/null | grep -q Healthy; then ready=1; break; fi
  kill -0 "$service" 2>/dev/null || break
  sleep 1
done
[ -n "$ready" ] || { echo "prism-writes: the service did not become ready on $api:"; tail -20 "$work/service.log"; exit 1; }

proxy_port=$(free_port)
"$prism" proxy "$contract" "$api" --errors -h 127.0.0.1 -p "$proxy_port" >"$work/prism.log" 2>&1 &
proxy=$!
up=""
for _ in $(seq 1 $(( 4 * ($(left) < 60 ? $(left) : 60) ))); do
  if grep -q "Prism is listening" "$work/prism.log"; then up=1; break; fi
  kill -0 "$proxy" 2>/dev/null || break
  sleep 0.25
done
[ -n "$up" ] || { echo "prism-writes: prism did not start:"; grep -v '^\s*$' "$work/prism.log" | tail -20; exit 1; }
base="http://127.0.0.1:$proxy_port"
echo "prism-writes: prism $("$prism" --version 2>/dev/null) proxy $contract on $base -> service on $api"

# Reads what Prism said about one exchange (headers file, body file): one line per violation,
# "location: message [severity]". The sl-violations header carries the request's and the response's
# violations; with --errors an invalid response becomes a 500 VIOLATIONS problem, and a request the
# contract refuses is answered by Prism itself (422, 401, 404, 405…) with a problem whose type is
# Prism's; each of those counts too.
cat >"$work/violations.js" <<'EOF'
const fs = require("fs");
const [headersFile, bodyFile] = process.argv.slice(2);
const lines = fs.readFileSync(headersFile, "utf8").split(/\r?\n/);
const out = [];
const show = (v) => `${Array.isArray(v.location) ? v.location.join(".") : ""}: ${v.message} [${v.severity}]`;
let fromHeader = null;
for (const line of lines) {
  const m = /^sl-violations:\s*(.*)$/i.exec(line);
  if (!m) continue;
  try { fromHeader = JSON.parse(m[1]); } catch { fromHeader = [{ location: [], message: m[1].slice(0, 300), severity: "Error" }]; }
}
let body = null;
try { body = JSON.parse(fs.readFileSync(bodyFile, "utf8")); } catch {}
const prismProblem = body && typeof body.type === "string" && body.type.startsWith("https://stoplight.io/prism/errors#");
// Errors and warnings, as ../shared/contract-check counts them; Prism's hints and information are not findings.
const counted = (list) => list.filter((v) => /^(error|warning)$/i.test(String(v.severity)));
if (fromHeader) for (const v of counted(fromHeader)) out.push(show(v));
else if (prismProblem && Array.isArray(body.validation) && body.validation.length) for (const v of counted(body.validation)) out.push(show(v));
if (prismProblem && out.length === 0) out.push(`prism answered ${body.status} ${body.type.split("#")[1]}: ${body.title}: ${body.detail ?? ""}`);
console.log(out.join("\n"));
EOF
# Reads one member from a JSON file: jget FILE a.b.0.c
jget() { node -e 'let v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const k of process.argv[2].split("."))v=v?.[k];console.log(v??"")' "$1" "$2" 2>/dev/null; }
# The value of one response header: hget FILE Name
hget() { grep -i "^$2:" "$1" | tail -1 | cut -d' ' -f2- | tr -d '\r'; }

requests=0; violations=0; unexpected=0
details="$work/details.txt"; : >"$details"
n=0
last_headers=""; last_body=""; last_status=""
# call EXPECTED METHOD PATH [curl options…]: one request through Prism, checked; the exchange is kept in
# $work/NNN.* and last_headers/last_body/last_status name it for the next step.
call() {
  local expected=$1 method=$2 path=$3; shift 3
  n=$((n + 1))
  local stem; stem=$(printf '%s/%03d' "$work" "$n")
  last_headers="$stem.headers"; last_body="$stem.body"; last_status=""
  : >"$last_headers"; : >"$last_body"
  if [ "$(left)" -le 0 ]; then
    unexpected=$((unexpected + 1)); echo "$method $path: not sent, the time budget (${budget}s) is spent" >>"$details"; return
  fi
  requests=$((requests + 1))
  local max=$(( $(left) < 20 ? $(left) : 20 ))
  last_status=$(curl -sS -X "$method" --max-time "$max" -D "$last_headers" -o "$last_body" -w '%{http_code}' \
    -H "Authorization: Bearer $key" "$@" "$base$path" 2>"$stem.curl")
  local found; found=$(node "$work/violations.js" "$last_headers" "$last_body")
  if [ -n "$found" ]; then
    violations=$((violations + $(wc -l <<<"$found")))
    while IFS= read -r line; do echo "$method $path -> $last_status: violation $line"; done <<<"$found" >>"$details"
  fi
  if [ "$last_status" != "$expected" ]; then
    unexpected=$((unexpected + 1))
    echo "$method $path: expected $expected, got ${last_status:-no answer} $(head -c 400 "$last_body" | tr -d '\n') $(head -c 200 "$stem.curl")" >>"$details"
  fi
}

json=(-H 'Content-Type: application/json')
merge=(-H 'Content-Type: application/merge-patch+json')

# cycle COLLECTION CREATE_BODY PATCH_BODY: the curator cycle on one new resource of the collection.
cycle() {
  local collection=$1 create=$2 patch=$3 idem; idem=$(node -e 'console.log(crypto.randomUUID())')
  call 201 POST "/v1/$collection" "${json[@]}" -H "Idempotency-Key: $idem" -d "$create"
  local id; id=$(jget "$last_body" id)
  local first_body; first_body=$(cat "$last_body")
  call 201 POST "/v1/$collection" "${json[@]}" -H "Idempotency-Key: $idem" -d "$create"
  [ "$(cat "$last_body")" = "$first_body" ] || { unexpected=$((unexpected + 1)); echo "POST /v1/$collection: the replay answered another body" >>"$details"; }
  if [ -z "$id" ]; then echo "POST /v1/$collection: no id in the answer; the rest of its cycle is skipped" >>"$details"; unexpected=$((unexpected + 1)); return; fi
  local item="/v1/$collection/$id"
  call 200 GET "$item"
  local stale; stale=$(hget "$last_headers" ETag)
  call 304 GET "$item" -H "If-None-Match: $stale"
  call 200 PATCH "$item" "${merge[@]}" -H "If-Match: $stale" -d "$patch"
  local etag; etag=$(hget "$last_headers" ETag)
  call 412 PATCH "$item" "${merge[@]}" -H "If-Match: $stale" -d "$patch"
  call 428 PATCH "$item" "${merge[@]}" -d "$patch"
  call 204 DELETE "$item" -H "If-Match: $etag"
  call 410 GET "$item"
  # Restore the deletion: a deletion's revision restores its before-state (the contract's restore
  # description). Its seq is the last in the resource's history.
  call 200 GET "$item/revisions?sort=-seq&limit=1"
  local seq; seq=$(jget "$last_body" items.0.seq)
  [ "$(jget "$last_body" items.0.action)" = delete ] || { unexpected=$((unexpected + 1)); echo "GET $item/revisions: the last revision is not the deletion" >>"$details"; }
  call 200 POST "$item/revisions/${seq:-0}/restore"
  call 200 GET "$item"
  # The history, two at a time so that paging is exercised: create, update, delete, restore.
  local cursor="" pages=0 seen=0 count
  while :; do
    call 200 GET "$item/revisions?limit=2${cursor:+&cursor=$cursor}"
    pages=$((pages + 1)); count=$(jget "$last_body" items.length); seen=$((seen + ${count:-0}))
    cursor=$(jget "$last_body" nextCursor)
    [ -n "$cursor" ] && [ "$last_status" = 200 ] && [ "$pages" -lt 10 ] || break
  done
  [ "$seen" = 4 ] || { unexpected=$((unexpected + 1)); echo "GET $item/revisions: $seen revisions in $pages pages, expected 4" >>"$details"; }
}

# Where this run's changes start in the feed: the newest change before them.
call 200 GET "/v1/changes?sort=-seq&limit=1"
since=$(jget "$last_body" items.0.seq)

cycle outlets '{"name": "Prism Proxy Gazette", "kind": "newspaper", "country": "GE"}' '{"url": "https://gazette.example.org"}'
cycle topics '{"title": "Is the proxy transparent?", "proposition": "A validating proxy changes nothing it forwards.", "timeDependent": false}' \
  '{"description": "Asked of every write in the curator cycle."}'
cycle authors '{"name": "Prism Checker", "kind": "person"}' '{"affiliation": "Contract tests"}'

# The changes feed since the seq read first, five at a time to its end: each cycle made four changes
# (create, update, delete, restore), and the refused writes none.
cursor=""; pages=0; seen=0
while :; do
  call 200 GET "/v1/changes?since=${since:-0}&limit=5${cursor:+&cursor=$cursor}"
  pages=$((pages + 1)); count=$(jget "$last_body" items.length); seen=$((seen + ${count:-0}))
  cursor=$(jget "$last_body" nextCursor)
  [ -n "$cursor" ] && [ "$last_status" = 200 ] && [ "$pages" -lt 10 ] || break
done
[ "$seen" = 12 ] || { unexpected=$((unexpected + 1)); echo "GET /v1/changes: $seen changes since $since in $pages pages, expected 12" >>"$details"; }

if [ -s "$details" ]; then
  echo "prism-writes: findings (the exchanges are kept with PRISM_WRITES_KEEP=DIR):"
  sed 's/^/  /' "$details"
fi
echo "prism curator cycle: $requests requests, $violations violations, $unexpected unexpected statuses"
[ $((violations + unexpected)) -eq 0 ]
