"""Honest concurrent writers (issue 10): N curators each PATCH their own outlet in a loop, reading its
ETag before each write, and the run reports every status seen and the PATCH latencies.

Against a generated archive (outlet ids outlet-0000…), with a curator key from `keys create`:
  PERSPECTIVES_DB=w.db dotnet run -c Release --project src/PerspectivesApi -- generate --articles 20000 --seed 7
  KEY=$(PERSPECTIVES_DB=w.db dotnet run -c Release --project src/PerspectivesApi -- keys create --name bench | grep ^pa_)
  PERSPECTIVES_DB=w.db RateLimiting__Enabled=false dotnet run -c Release --project src/PerspectivesApi -- --urls http://127.0.0.1:5080 &
  python3 bench/writers.py 5080 $KEY 30 8        # port, key, seconds, writers
"""
import http.client, json, random, sys, threading, time

port, key, seconds, writers = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
statuses, latencies, lock = {}, [], threading.Lock()


def write(n):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    outlet, auth = f"outlet-{n:04d}", {"Authorization": f"Bearer {key}"}
    end = time.time() + seconds
    while time.time() < end:
        connection.request("GET", f"/v1/outlets/{outlet}", headers=auth)
        response = connection.getresponse(); response.read()
        body = json.dumps({"description": f"writer {n} {random.random()}"})
        started = time.time()
        connection.request("PATCH", f"/v1/outlets/{outlet}", body=body, headers={
            **auth, "Content-Type": "application/merge-patch+json", "If-Match": response.getheader("ETag")})
        response = connection.getresponse(); response.read()
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1
            latencies.append(time.time() - started)


threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
for thread in threads: thread.start()
for thread in threads: thread.join()
latencies.sort()
print(f"statuses {statuses}, {len(latencies)} writes in {seconds:.0f} s; PATCH p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
      f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
