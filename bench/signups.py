"""Sign-ups while the SMS provider is slow: `make bench-signups` (alone, SCALE=demo by default) or the last part
of `make bench`. Issue 15 asks that a sign-up's p95 stays within 20 % of the same sign-up with the console backend
when every text message takes the provider 2 s: the page writes an outbox row, a worker sends it.

For each SMS backend, the console (core.sms.console) and bench/slow_sms.py (2 s a message), it starts gunicorn in
production mode (as bench/run.py) and a Celery worker on the bench's Redis with a queue of its own, SMS_BACKEND set
for both. At concurrency 1 and 8, N residents (200) then sign up for an event created for that run (capacity N;
a mobile and no e-mail, so each sign-up queues one SMS): each GETs the sign-up page for its CSRF cookie and token,
then POSTs the form like a browser (Origin header, plain http on loopback); only the POST is timed. When the last
POST has returned it counts the run's SMS rows already sent (with the slow provider: a page that waited for its
message would show here, and in a POST slower than 2 s), then waits for the worker to send all of them. Each
backend runs twice with half the sign-ups, in the order console, slow, slow, console (ORDER): the machine is
shared, and a load that drifts during the run then does not favour one backend.

Cleans up after itself: gunicorn and the worker stopped, the events, sign-ups and outbox rows of the run deleted,
the queue's keys removed from Redis. Not a test: it is never run by `make test` or CI.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import run as bench
from load import percentile

BACKENDS = [
    ("console", "core.sms.console.SmsBackend"),
    ("slow (2 s)", "bench.slow_sms.SmsBackend"),
]
# Each backend runs twice, half the sign-ups each time, in the order A B B A: the machine is shared and its load
# drifts during a run, and a drift that favoured whichever backend ran first would show up as a ratio.
ORDER = [0, 1, 1, 0]
SLOW_SECONDS = 2.0
TARGET_RATIO = 1.2  # issue 15: the p95 within 20 % of the console's
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# The client: runs in its own process (like bench/load.py), standard library only


def request(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    content = response.read()
    if response.getheader("Connection", "").lower() == "close":
        connection.close()
    return response, content


def sign_up(connection, event_id, n, mobile):
    """One new resident (no cookie yet) GETs the sign-up page and POSTs the form like a browser (CSRF cookie and
    token, Origin header). Returns the POST's status and milliseconds, and the page's text when it was no 302."""
    path = f"/events/{event_id}/sign-up/"
    page, content = request(connection, "GET", path)
    cookies = "; ".join(value.split(";", 1)[0] for value in page.headers.get_all("Set-Cookie") or [])
    token = TOKEN.search(content.decode("utf-8", "replace"))
    form = urlencode({"csrfmiddlewaretoken": token.group(1) if token else "", "name": f"居民{n}",
                      "mobile": str(mobile), "consent": "on"})
    headers = {"Cookie": cookies, "Origin": "http://127.0.0.1", "Referer": f"http://127.0.0.1{path}",
               "Content-Type": "application/x-www-form-urlencoded"}
    started = time.perf_counter()
    response, content = request(connection, "POST", path, form, headers)
    elapsed = (time.perf_counter() - started) * 1000
    problem = None if response.status == 302 else content.decode("utf-8", "replace")[:500]
    return response.status, elapsed, problem


def sign_up_client(port, event_id, first_mobile, count, concurrency):
    """`count` residents sign up for one event, `concurrency` at a time; returns the POSTs' latencies (ms)."""
    latencies, statuses, problems = [], {}, []
    lock = threading.Lock()
    next_index = [0]

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next_index[0]
                if n >= count:
                    break
                next_index[0] += 1
            status, elapsed = "error", None
            try:
                status, elapsed, problem = sign_up(connection, event_id, n, first_mobile + n)
                if problem and len(problems) < 3:
                    problems.append(problem)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                if len(problems) < 3:
                    problems.append(repr(error))
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if elapsed is not None:
                    latencies.append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {"latencies": latencies, "statuses": statuses, "seconds": wall, "problems": problems}


def paced_client(port, event_ids, first_mobile, rate, seconds):
    """Sign-ups at a steady `rate` a second for `seconds` beside other traffic (bench/run.py's mixes): open loop,
    each on its own connection, so a slow answer does not slow the rate down. Events taken in turn."""
    latencies, statuses, problems = [], {}, []
    lock = threading.Lock()

    def one(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, elapsed = "error", None
        try:
            status, elapsed, problem = sign_up(connection, event_ids[n % len(event_ids)], n, first_mobile + n)
        except (OSError, http.client.HTTPException) as error:
            problem = repr(error)
        connection.close()
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if elapsed is not None:
                latencies.append(elapsed)
            if problem and len(problems) < 3:
                problems.append(problem)

    started = time.monotonic()
    threads = []
    for n in range(int(rate * seconds)):
        delay = started + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one, args=(n,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return {**summary(latencies, len(threads), time.monotonic() - started), "statuses": statuses,
            "problems": problems}


def paced(port, event_ids, first_mobile, rate, seconds):
    """paced_client in its own process, started now; returns the process (its stdout is the result)."""
    options = {"port": port, "event_ids": event_ids, "first_mobile": first_mobile, "rate": rate, "seconds": seconds}
    return subprocess.Popen([bench.PY, __file__, "--paced", json.dumps(options)], stdout=subprocess.PIPE, text=True)


def summary(latencies, count, seconds):
    latencies = sorted(latencies)
    return {
        "signups": count,
        "per_second": round(count / seconds, 1) if seconds else 0,
        "p50_ms": round(percentile(latencies, 0.50) or 0, 1),
        "p95_ms": round(percentile(latencies, 0.95) or 0, 1),
        "p99_ms": round(percentile(latencies, 0.99) or 0, 1),
        "max_ms": round(latencies[-1], 1) if latencies else 0,
    }


def client(port, event_id, first_mobile, count, concurrency):
    options = {"port": port, "event_id": event_id, "first_mobile": first_mobile, "count": count,
               "concurrency": concurrency}
    output = subprocess.run([bench.PY, __file__, "--client", json.dumps(options)], capture_output=True, text=True,
                            check=True)
    return json.loads(output.stdout)


# The harness: Django against the bench database (os.environ holds bench.production_env)


class Worker:
    """`celery -A federation_portal worker` on its own queue, in its own process group, logging to a file.

    A thread pool: delivering to a slow provider is waiting, not computing, and 200 messages of 2 s each would
    take a single-process worker (--pool solo) almost 7 minutes to send.
    """

    def __init__(self, env, queue, concurrency, folder):
        self.log_path = Path(folder) / f"worker-{time.monotonic_ns()}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [bench.PY, "-m", "celery", "-A", "federation_portal", "worker", "--pool", "threads",
             "--concurrency", str(concurrency), "-Q", queue, "-n", f"{queue}@%h", "-l", "info",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=bench.ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while "ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"the Celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.3)

    def log(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log.close()


def create_event(capacity, label):
    """A published event a week ahead, open for sign-up, of an organization that has listed events."""
    from django.utils import timezone

    from events.models import Event

    organization = Event.objects.listed().order_by("pk").first().organization
    starts = (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    return Event.objects.create(
        organization=organization, title=f"Benchmark sign-ups: {label}"[:120], place="长寿路街道社区中心",
        starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=capacity,
        state=Event.State.PUBLISHED, published_at=timezone.now(),
    )


def sms_statuses(mobiles):
    from django.db.models import Count

    from core.models import OutboxMessage

    rows = (OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS, recipient__in=mobiles)
            .values_list("status").annotate(n=Count("pk")))
    return dict(rows)


def wait_for_delivery(mobiles, timeout):
    """The run's SMS rows by status once none is queued any more (or at the timeout), and the seconds waited."""
    started = time.monotonic()
    while True:
        statuses = sms_statuses(mobiles)
        if not statuses.get("queued") or time.monotonic() - started > timeout:
            return statuses, round(time.monotonic() - started, 1)
        time.sleep(0.5)


def measure(env, port, *, signups=200, concurrencies=(1, 8), worker_concurrency=16):
    """Both backends at every concurrency; returns the runs (a dict per backend and concurrency) and the ratios."""
    import django

    django.setup()
    import redis

    from core.models import OutboxMessage
    from events.models import Event

    queue = f"bench-signups-{secrets.token_hex(3)}"
    broker = redis.Redis.from_url(env.get("CELERY_BROKER_URL") or env["REDIS_URL"])
    keys_before = set(broker.scan_iter())
    # Fresh numbers for every run: the daily SMS limit per mobile (SMS_DAILY_LIMIT) would skip repeated ones.
    next_mobile = [13900000000 + secrets.randbelow(80_000_000)]
    events, mobiles = [], []
    load_before = os.getloadavg()

    def residents(count):
        first = next_mobile[0]
        next_mobile[0] += count
        numbers = [str(first + n) for n in range(count)]
        mobiles.extend(numbers)
        return first, numbers

    blocks = {}  # (backend label, concurrency) -> the POSTs of its two halves
    try:
        with tempfile.TemporaryDirectory(prefix="bench-signups-") as folder:
            for position, index in enumerate(ORDER):
                label, backend = BACKENDS[index]
                count = signups // 2 if ORDER.index(index) == position else signups - signups // 2
                backend_env = {**env, "SMS_BACKEND": backend, "CELERY_QUEUE": queue,
                               "SLOW_SMS_SECONDS": str(SLOW_SECONDS)}
                server = bench.start_server(backend_env, port)
                worker = None
                try:
                    worker = Worker(backend_env, queue, worker_concurrency, folder)
                    warm_up = create_event(50, f"{label}, warm-up")
                    events.append(warm_up.pk)
                    first, numbers = residents(20)
                    client(port, warm_up.pk, first, 20, 4)  # every gunicorn worker has served a sign-up
                    wait_for_delivery(numbers, 60)
                    for concurrency in concurrencies:
                        event = create_event(count, f"{label}, concurrency {concurrency}")
                        events.append(event.pk)
                        first, numbers = residents(count)
                        result = client(port, event.pk, first, count, concurrency)
                        result["sms_when_last_post_returned"] = sms_statuses(numbers)
                        wait = 30 + 2 * count * (SLOW_SECONDS if "slow" in backend else 0.05) / worker_concurrency
                        result["sms_after_waiting"], result["waited_s"] = wait_for_delivery(numbers, wait)
                        blocks.setdefault((label, concurrency), []).append(result)
                        half = summary(result["latencies"], count, result["seconds"])
                        print(f"  sign-ups c={concurrency} {label:<11} {half['per_second']:>5.1f}/s  "
                              f"p50 {half['p50_ms']:>6.1f} ms  p95 {half['p95_ms']:>6.1f} ms  "
                              f"max {half['max_ms']:>6.1f} ms  POSTs {result['statuses']}  "
                              f"SMS at the end {result['sms_when_last_post_returned']}, "
                              f"after {result['waited_s']} s {result['sms_after_waiting']}", flush=True)
                        for problem in result["problems"]:
                            print(f"    {problem}", flush=True)
                finally:
                    if worker is not None:
                        worker.stop()
                    bench.stop_server(server)
    finally:
        Event.objects.filter(pk__in=events).delete()  # their sign-ups and change records go with them
        OutboxMessage.objects.filter(recipient__in=mobiles).delete()
        leftover = [key for key in set(broker.scan_iter()) - keys_before if not key.startswith(b"bench:")]
        if leftover:  # the queue, its binding and the worker's control queues: not the cache's keys
            broker.delete(*leftover)

    def added(dicts):
        total = {}
        for one in dicts:
            for key, value in one.items():
                total[key] = total.get(key, 0) + value
        return total

    runs = []
    for concurrency in concurrencies:
        for label, backend in BACKENDS:
            halves = blocks[(label, concurrency)]
            run = summary([ms for half in halves for ms in half["latencies"]],
                          sum(sum(half["statuses"].values()) for half in halves),
                          sum(half["seconds"] for half in halves))
            run.update(
                backend=label, sms_backend=backend, concurrency=concurrency,
                statuses=added(half["statuses"] for half in halves),
                sms_when_last_post_returned=added(half["sms_when_last_post_returned"] for half in halves),
                sms_after_waiting=added(half["sms_after_waiting"] for half in halves),
                waited_s=max(half["waited_s"] for half in halves),
                halves_p95_ms=[summary(half["latencies"], 1, 1)["p95_ms"] for half in halves],
            )
            runs.append(run)
    ratios = {}
    for concurrency in concurrencies:
        console, slow = (next(r for r in runs if r["backend"] == label and r["concurrency"] == concurrency)
                         for label, _ in BACKENDS)
        ratios[str(concurrency)] = {
            "p50": round(slow["p50_ms"] / console["p50_ms"], 2) if console["p50_ms"] else None,
            "p95": round(slow["p95_ms"] / console["p95_ms"], 2) if console["p95_ms"] else None,
        }
    return {
        "signups_per_run": signups, "slow_sms_seconds": SLOW_SECONDS, "worker": f"threads × {worker_concurrency}",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "target_p95_ratio": TARGET_RATIO, "runs": runs, "ratios": ratios,
    }


def table(result):
    lines = [
        f"Sign-ups with a slow SMS provider: {result['signups_per_run']} sign-up POSTs per run (each after a GET of "
        f"the form, not timed) in two halves, backends in the order console, slow, slow, console; worker "
        f"{result['worker']}, load average before/after "
        f"{result['load_average_before'][0]:.1f}/{result['load_average_after'][0]:.1f}.",
        "",
        "| sign-ups | SMS backend | sign-ups/s | p50 ms | p95 ms | p99 ms | max ms | POST statuses "
        "| SMS sent when the last POST returned | SMS sent after waiting | p95 × console |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for run in result["runs"]:
        total = sum(run["sms_after_waiting"].values())
        ratio = result["ratios"][str(run["concurrency"])]["p95"] if run["backend"] != BACKENDS[0][0] else 1
        statuses = ", ".join(f"{count}× {status}" for status, count in sorted(run["statuses"].items()))
        lines.append(
            f"| concurrency {run['concurrency']} | {run['backend']} | {run['per_second']:.1f} | {run['p50_ms']:.0f} "
            f"| {run['p95_ms']:.0f} | {run['p99_ms']:.0f} | {run['max_ms']:.0f} | {statuses} "
            f"| {run['sms_when_last_post_returned'].get('sent', 0)} / {total} "
            f"| {run['sms_after_waiting'].get('sent', 0)} / {total} ({run['waited_s']:g} s) | {ratio:.2f} |"
        )
    verdicts = []
    refused = [run for run in result["runs"] if set(run["statuses"]) != {"302"}]
    for concurrency, ratio in result["ratios"].items():
        met = ratio["p95"] is not None and ratio["p95"] <= result["target_p95_ratio"]
        if refused:  # a sign-up answered with anything but its redirect was not measured (throttled, an error…)
            verdicts.append(f"concurrency {concurrency}: not measured, some POSTs were not sign-ups")
            continue
        verdicts.append(f"concurrency {concurrency}: {ratio['p95']:.2f} ({'met' if met else 'NOT met'})")
    lines += ["", f"p95 slow ÷ console (target ≤ {result['target_p95_ratio']:.2f}): " + "; ".join(verdicts) + "."]
    return "\n".join(lines)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=bench.SCALES, default=os.environ.get("SCALE") or "demo")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8071")))
    parser.add_argument("--signups", type=int, default=200, help="sign-ups per backend and concurrency")
    parser.add_argument("--worker-concurrency", type=int, default=16, help="threads of the Celery worker")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # the load generator's own process
    parser.add_argument("--paced", help=argparse.SUPPRESS)  # sign-ups at a steady rate (bench/run.py's mixes)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.client:
        print(json.dumps(sign_up_client(**json.loads(args.client))))
        return
    if args.paced:
        print(json.dumps(paced_client(**json.loads(args.paced))))
        return
    os.chdir(bench.ROOT)
    sys.path.insert(0, str(bench.ROOT))
    env = bench.production_env(bench.database_env(args.scale), args.port)
    bench.prepare(env, args.scale)
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "WARNING"
    result = measure(env, args.port, signups=args.signups, worker_concurrency=args.worker_concurrency)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    markdown = (f"Benchmark {stamp} UTC, scale {args.scale}, {bench.cores()} cores: sign-ups only "
                f"(bench/signups.py).\n\n{table(result)}")
    out = bench.ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    name = f"{stamp}-{args.scale}-signups"
    (out / f"{name}.json").write_text(json.dumps({"date": stamp, "scale": args.scale, "cores": bench.cores(),
                                                  "signups": result}, indent=2, ensure_ascii=False) + "\n")
    (out / f"{name}.md").write_text(markdown + "\n")
    print()
    print(markdown)
    print(f"\nWritten to bench/results/{name}.json and .md")


if __name__ == "__main__":
    main()
