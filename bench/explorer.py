"""The scenarios of bench/explorer.sh: finds the question with most stances and cursors deep in it, then
times each scenario's pages one request at a time and prints p50/p90/p99 per scenario, pages and their API
requests side by side. Usage: python3 bench/explorer.py BASE_URL REQUESTS"""
import http.client, json, random, statistics, sys, time, urllib.parse

base, requests = sys.argv[1], int(sys.argv[2])
address = urllib.parse.urlsplit(base)
connection = http.client.HTTPConnection(address.hostname, address.port, timeout=300)


def get(path):
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return body


def api(path):
    return json.loads(get(path))


quote = urllib.parse.quote
summaries = api("/v1/topics/summary")["items"]
top = max(summaries, key=lambda s: s["positions"]["total"])
topic, total = top["topic"]["id"], top["positions"]["total"]
# Cursors deep in it, as the pages' next links carry them (the same query: latest held first).
cursors, cursor, seen = [], None, 0
while True:
    page = api(f"/v1/topics/{topic}/stances?sort=-held&limit=100" + (f"&cursor={quote(cursor)}" if cursor else ""))
    seen += len(page["items"])
    cursor = page["nextCursor"]
    if cursor is None:
        break
    if seen % 1000 == 0:
        cursors.append((seen, cursor))
outlets = [o["outlet"]["id"] for o in top["byOutlet"] if o["outlet"]][:20]
chosen = random.Random(14)
articles = [f"article-{chosen.randrange(1_000_000):07d}" for _ in range(200)]
print(f"question: {topic}, {total:,} stances ({seen:,} walked); deep pages after {cursors[0][0]:,} to {cursors[-1][0]:,} stances; "
      f"{len(outlets)} outlets; {len(articles)} random articles")

scenarios = [
    ("topic page, first", [f"/topics/{topic}"]),
    ("  its API request", [f"/v1/topics/{topic}/stances?sort=-held"]),
    ("topic page, deep", [f"/topics/{topic}?cursor={quote(c)}" for _, c in cursors]),
    ("  its API request", [f"/v1/topics/{topic}/stances?sort=-held&cursor={quote(c)}" for _, c in cursors]),
    ("topic page, by outlet", [f"/topics/{topic}?outlet={o}" for o in outlets]),
    ("  its API request", [f"/v1/topics/{topic}/stances?sort=-held&outlet={o}" for o in outlets]),
    ("article page", [f"/articles/{a}" for a in articles]),
    ("  its API request", [f"/v1/articles/{a}" for a in articles]),
    # Not among the targets, for comparison: the home page lists 20 questions and 10 articles.
    ("home page", ["/"]),
    ("  its API requests", ["/v1/topics", "/v1/articles?limit=10"]),
]

print(f"{'scenario':24}{'requests':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'KB':>7}")
for name, paths in scenarios:
    for path in paths[:20]:  # warm-up: the same pages, once each
        get(path)
    times, size = [], 0
    for i in range(requests):
        start = time.perf_counter()
        size = len(get(paths[i % len(paths)]))
        times.append((time.perf_counter() - start) * 1000)
    q = statistics.quantiles(times, n=100)
    print(f"{name:24}{requests:>9}{statistics.median(times):>9.1f}{q[89]:>9.1f}{q[98]:>9.1f}{max(times):>9.1f}{size / 1024:>7.0f}")
