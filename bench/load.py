"""A small closed-loop HTTP load generator for bench/run.py (loopback only, bounded in time and requests).

    python bench/load.py '{"port": 8071, "path": "/", "concurrency": 8, "seconds": 5, "max_requests": 5000}'

Prints one JSON object: requests, errors, requests per second, latency percentiles (ms) and body size.
Runs in its own process so that its work does not share an interpreter with the server or the harness.
"""

import http.client
import json
import sys
import threading
import time


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def run(port, path, concurrency, seconds, max_requests, headers=None, host="127.0.0.1"):
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench/load.py only talks to the loopback interface.")
    headers = {"Host": "127.0.0.1", **(headers or {})}
    latencies, statuses, sizes = [], {}, []
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                status, body = "error", b""
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                sizes.append(len(body))
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies.sort()
    ok = sum(count for status, count in statuses.items() if status == "200")
    return {
        "requests": len(latencies),
        "ok": ok,
        "statuses": statuses,
        "seconds": round(wall, 3),
        "rps": round(len(latencies) / wall, 1) if wall else 0,
        "p50_ms": round(percentile(latencies, 0.50) or 0, 1),
        "p95_ms": round(percentile(latencies, 0.95) or 0, 1),
        "p99_ms": round(percentile(latencies, 0.99) or 0, 1),
        "bytes": max(sizes) if sizes else 0,
    }


if __name__ == "__main__":
    options = json.loads(sys.argv[1])
    print(json.dumps(run(**options)))
