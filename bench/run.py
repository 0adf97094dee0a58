"""The benchmark: `make bench` (full city scale) or `make bench SCALE=small` (a tenth of it).

By default it replays realistic traffic (bench/mix.py, issue 24) — see `mixes()` below. With --pages it measures
each main page on its own instead (one address repeated: after the first request a page-cache hit):

1. Creates the PostgreSQL database federation_bench_<scale> when missing (BENCH_DATABASE_URL points at the
   server, default postgres://postgres@127.0.0.1:5432), migrates it and seeds it (seed_scale skips data that
   is already there at that scale).
2. Starts gunicorn with production settings (DEBUG off, a generated SECRET_KEY, plain http on loopback).
3. Measures each page: queries and HTML size through Django's test client against the same database, then
   throughput and latency with bench/load.py in a separate process at concurrency 1 and 8, after a warm-up.
4. Measures sign-up POSTs with the console and a slow SMS provider (bench/signups.py; --no-signups skips it).
5. Prints a markdown table and writes bench/results/<date>-<scale>.json and .md.
Not a test: it is never run by `make test` or CI.
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
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCALES = {
    "demo": None,  # the demo world alone (about 160 organizations): the "1×" of docs/performance.md
    "small": {"orgs": 200, "projects": 2000, "events": 10000, "registrations": 100000},
    "full": {"orgs": 2000, "projects": 20000, "events": 100000, "registrations": 1000000},
}
CONCURRENCY = [1, 8]


def cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default=os.environ.get("SCALE") or "full")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8071")))
    parser.add_argument("--seconds", type=float, default=None, help="per page and concurrency (default 5, small 3)")
    parser.add_argument("--max-requests", type=int, default=5000, help="per page and concurrency")
    parser.add_argument("--only", default="", help="comma-separated page names to run ('sign-ups' included)")
    parser.add_argument("--no-signups", action="store_true", help="skip the sign-ups (bench/signups.py)")
    parser.add_argument("--pages", action="store_true", help="each page alone (the table of earlier sessions)")
    parser.add_argument("--mix-seconds", type=float, default=None, help="per mix run (default 40, small 20)")
    parser.add_argument("--seed", type=int, default=24, help="of the address mixes")
    parser.add_argument("--variants", action="store_true",
                        help="also the public mix with other gunicorn settings (preload, recycling)")
    parser.add_argument("--mixes-only", default="", help="comma-separated: public, signups, organization, staff")
    return parser.parse_args()


def database_env(scale):
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    parts = urlsplit(server)
    if parts.path not in ("", "/"):
        server = server[: -len(parts.path)]
    name = f"federation_bench_{scale}"
    ensure_database(server, name)
    return f"{server}/{name}"


def ensure_database(server, name):
    import psycopg2

    parts = urlsplit(server)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def production_env(database_url, port):
    env = dict(os.environ)
    env.update({
        "ENVIRONMENT": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "DB_STATEMENT_TIMEOUT": "0",
        # As deploy/federation-portal.env.example: persistent database connections, Redis as the shared cache.
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        "CACHE_KEY_PREFIX": "bench",
        "SESSION_ENGINE": "cached_db",  # docs/deploy.md §5.3, with Redis
        # All the load comes from one address: the throttles of anonymous writes (core/throttle.py) would turn
        # most sign-ups away with 429, which is right for a visitor and wrong for a benchmark.
        **{name: "1000000/h" for name in (
            "THROTTLE_SIGN_UP_PER_ADDRESS", "THROTTLE_SIGN_UP_PER_EVENT", "THROTTLE_SIGN_UP_PER_MOBILE",
            "THROTTLE_CANCEL_PER_ADDRESS", "THROTTLE_JOIN_PER_ADDRESS", "THROTTLE_PASSWORD_RESET_PER_ADDRESS",
        )},
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        # Worker recycling as deployed (gunicorn.conf.py: GUNICORN_MAX_REQUESTS): part of what is measured.
        "DJANGO_SETTINGS_MODULE": "federation_portal.settings",
    })
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env, scale):
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    sizes = SCALES[scale]
    if sizes is None:
        manage(env, "seed_demo")
    else:
        manage(env, "seed_scale", *[f"--{key}={value}" for key, value in sizes.items()])
    vacuum(env)


def vacuum(env):
    """VACUUM ANALYZE, as autovacuum would have done by the time traffic comes: a migration or the demo's purge of
    old sign-ups rewrites rows, and until the visibility map and the statistics are fresh again the planner's
    index-only scans read the table (the events list's count: 65 ms instead of 16 ms)."""
    import psycopg2

    connection = psycopg2.connect(env["DATABASE_URL"])
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def start_server(env, port):
    gunicorn = Path(PY).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/baseline/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            raise SystemExit("gunicorn did not start")
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def pages_and_sessions():
    """The pages to measure (name, path, audience) and a session cookie per audience, from the database."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from events.models import Event
    from members.models import ServiceField
    from projects.models import Call, Project

    User = get_user_model()
    cookies = {"public": ""}
    for audience, username in [("staff", "staff"), ("portal", "org@changshou.demo")]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[audience] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    project = Project.objects.public().order_by("-pk").first()
    organization = project.organization  # one with public projects at every scale, so that pages compare
    event = Event.objects.listed().order_by("-pk").first()
    call = Call.objects.exclude(state=Call.State.DRAFT).order_by("-pk").first()
    public_projects = Project.objects.public().count()
    last_page = max(1, -(-public_projects // 12))
    elderly = ServiceField.objects.get(code="elderly").pk
    pages = [
        ("baseline", reverse("bench-baseline"), "public"),
        ("home", reverse("home"), "public"),
        ("projects", reverse("projects:list"), "public"),
        ("projects filtered", reverse("projects:list") + "?service_field=elderly&mark=", "public"),
        ("projects page 50", reverse("projects:list") + f"?page={min(50, last_page)}", "public"),
        ("project page", project.get_absolute_url(), "public"),
        ("directory", reverse("members:organization-list"), "public"),
        ("directory filtered", reverse("members:organization-list") + f"?service_field={elderly}&members_only=on",
         "public"),
        ("organization page", organization.get_absolute_url(), "public"),
        ("events", reverse("events:list"), "public"),
        ("month view", reverse("events:month"), "public"),
        ("event page", event.get_absolute_url(), "public"),
        ("iCal feed", reverse("events:feed"), "public"),
    ]
    try:
        pages.append(("statistics", reverse("stats"), "public"))
    except NoReverseMatch:
        pages.append(("statistics", None, "public"))  # slot: /stats/ (issue 6) is not in this tree yet
    pages += [
        ("staff compliance", reverse("events:compliance"), "staff"),
        ("staff ranking", reverse("projects:ranking", args=[call.pk]), "staff"),
        ("portal dashboard", reverse("members:portal"), "portal"),
    ]
    return pages, cookies


def measure_queries(path, cookie, renders=5):
    """Queries, HTML bytes and rendering time of the page *without* the page cache, through the test client
    (same database, same settings): what a request costs when the data has just changed."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(path)  # the first request fills per-process caches; count the second, like a warm server
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries = len(captured)  # now: it reads the connection's log, which the next request empties
        timings = []
        for _ in range(renders):
            start = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
    return response.status_code, queries, len(response.content), sorted(timings)[len(timings) // 2]


ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


def first_load_bytes(port, path, html_bytes):
    """HTML plus every stylesheet, script and image it references, as sent compressed (gzip/brotli).

    Uploaded pictures (under MEDIA_URL) are counted at their stored size: gunicorn does not serve them (a web
    server or object storage does in production), and pictures are sent as they are. For an <img> with a
    srcset, its src is counted (the {% picture %} tag points it at a phone-sized version).
    """
    from urllib.parse import unquote

    from django.conf import settings
    from django.core.files.storage import default_storage

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": "br, gzip"})
    response = connection.getresponse()
    body = response.read()
    total = len(body)
    html = body.decode("utf-8", "replace") if response.getheader("Content-Encoding") is None else None
    connection.close()
    if html is None:
        return None
    for url in sorted(set(ASSET.findall(html))):
        url = url.replace("&amp;", "&")
        if url.startswith(settings.MEDIA_URL):
            total += default_storage.size(unquote(urlsplit(url[len(settings.MEDIA_URL) :]).path))
            continue
        if not url.startswith("/") or url.startswith("//"):
            continue
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", url, headers={"Host": "127.0.0.1", "Accept-Encoding": "br, gzip"})
        total += len(connection.getresponse().read())
        connection.close()
    return total


def load(port, path, cookie, concurrency, seconds, max_requests):
    options = {"port": port, "path": path, "concurrency": concurrency, "seconds": seconds,
               "max_requests": max_requests, "headers": {"Cookie": cookie} if cookie else {}}
    output = subprocess.run(
        [PY, str(ROOT / "bench" / "load.py"), json.dumps(options)], capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def table(results, concurrency):
    lines = [
        f"| page (concurrency {concurrency}) | req/s | p50 ms | p95 ms | p99 ms | queries | uncached ms | HTML KB "
        "| first load KB | × baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        run = row["runs"].get(str(concurrency))
        if run is None:
            lines.append(f"| {row['page']} | — | — | — | — | — | — | — | — | not available in this tree |")
            continue
        first = f"{row['first_load_bytes'] / 1024:.0f}" if row.get("first_load_bytes") else "—"
        lines.append(
            f"| {row['page']} | {run['rps']:.0f} | {run['p50_ms']:.0f} | {run['p95_ms']:.0f} | {run['p99_ms']:.0f} "
            f"| {row['queries']} | {row['render_ms']:.0f} | {row['html_bytes'] / 1024:.1f} | {first} "
            f"| {run['ratio']:.2f} |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    if not args.pages:
        return mixes(args)
    seconds = args.seconds or (3 if args.scale != "full" else 5)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    database_url = database_env(args.scale)
    env = production_env(database_url, args.port)
    prepare(env, args.scale)
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "WARNING"  # this process only: the logins made for the sessions are not news
    pages, cookies = pages_and_sessions()
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database: no page or figure left from an earlier run
    wanted = {name.strip() for name in args.only.split(",")} | {"baseline"} if args.only else None
    if wanted:
        pages = [page for page in pages if page[0] in wanted]

    results = []
    for name, path, audience in pages:
        row = {"page": name, "path": path, "audience": audience, "runs": {}}
        if path is not None:
            row["status"], row["queries"], row["html_bytes"], row["render_ms"] = measure_queries(
                path, cookies[audience]
            )
        results.append(row)

    server = start_server(env, args.port)
    try:
        for row in results:  # warm-up: fill caches and connections in every worker
            if row["path"] is not None:
                load(args.port, row["path"], cookies[row["audience"]], 2, 2, 30)
                if row["audience"] == "public":
                    row["first_load_bytes"] = first_load_bytes(args.port, row["path"], row["html_bytes"])
        for concurrency in CONCURRENCY:
            for row in results:
                if row["path"] is None:
                    continue
                run = load(args.port, row["path"], cookies[row["audience"]], concurrency, seconds, args.max_requests)
                row["runs"][str(concurrency)] = run
                print(f"  c={concurrency} {row['page']:<20} {run['rps']:>7.1f} req/s  p95 {run['p95_ms']:>6.1f} ms"
                      f"  {run['statuses']}", flush=True)
            # The baseline again at the end of the round: the machine is shared, and a baseline measured in a
            # quiet or a busy moment would flatter or wrong every ratio. The faster of the two counts.
            baseline = results[0]
            again = load(args.port, baseline["path"], "", concurrency, seconds, args.max_requests)
            print(f"  c={concurrency} {'baseline (again)':<20} {again['rps']:>7.1f} req/s  "
                  f"p95 {again['p95_ms']:>6.1f} ms", flush=True)
            baseline["runs"][f"{concurrency}-end"] = again
            if again["rps"] > baseline["runs"][str(concurrency)]["rps"]:
                baseline["runs"][f"{concurrency}-start"] = baseline["runs"][str(concurrency)]
                baseline["runs"][str(concurrency)] = again
    finally:
        stop_server(server)

    signup_result = None
    if not args.no_signups and (not wanted or "sign-ups" in wanted):
        import signups

        signup_result = signups.measure(env, args.port)

    for concurrency in CONCURRENCY:
        base = results[0]["runs"][str(concurrency)]["rps"] or 1
        for row in results:
            run = row["runs"].get(str(concurrency))
            if run:
                run["ratio"] = round(run["rps"] / base, 3)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    meta = {
        "date": stamp, "scale": args.scale, "sizes": SCALES[args.scale], "seconds_per_run": seconds,
        "cores": cores(),
        "server": "gunicorn (gunicorn.conf.py defaults), ENVIRONMENT=production, DEBUG off, PostgreSQL, Redis cache",
        "columns": "queries and uncached ms: one request rendered without the page cache (test client, median of 5); "
        "req/s and latencies: the running server, anonymous public pages from the page cache after the first request",
    }
    markdown = "\n\n".join(
        [f"Benchmark {stamp} UTC, scale {args.scale} {SCALES[args.scale] or '(demo data)'}, "
         f"{meta['cores']} cores, {seconds:g} s per page and concurrency."]
        + [table(results, concurrency) for concurrency in CONCURRENCY]
        + ([signups.table(signup_result)] if signup_result else [])
    )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    report = {**meta, "pages": results, "signups": signup_result}
    (out / f"{stamp}-{args.scale}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / f"{stamp}-{args.scale}.md").write_text(markdown + "\n")
    print()
    print(markdown)
    print(f"\nWritten to bench/results/{stamp}-{args.scale}.json and .md")


# Realistic traffic (issue 24): the default of `make bench`

RATES = [2, 10]  # sign-ups a second beside the public mix
VARIANTS = [  # --variants: the public mix (cold cache) with other gunicorn settings than deployed
    ("preload_app", {"GUNICORN_PRELOAD": "1"}),
    ("max_requests 1,000", {"GUNICORN_MAX_REQUESTS": "1000"}),
    ("no recycling", {"GUNICORN_MAX_REQUESTS": "0"}),
]


def mixes(args):
    """Builds the seeded address mixes (bench/mix.py), renders a sample of each kind of address once without the
    page cache (what a page costs when its data has just changed), then with gunicorn as deployed and wrk at
    concurrency 8: the baseline page, the public mix with a cold cache, the same with sign-ups at 2/s and 10/s
    (bench/signups.py's browser-like GET + POST, open loop), the organization's and the staff's mixes, and the
    baseline again (the faster baseline counts: the machine is shared). Results to bench/results/."""
    import mix as traffic

    seconds = args.mix_seconds or (40 if args.scale == "full" else 20)
    wanted = {name.strip() for name in args.mixes_only.split(",") if name.strip()} or {
        "public", "signups", "organization", "staff"}
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    env = production_env(database_env(args.scale), args.port)
    prepare(env, args.scale)
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "WARNING"
    _pages, cookies = pages_and_sessions()
    import signups
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    started_at = time.monotonic()
    load_before = os.getloadavg()
    User = get_user_model()
    print("Building the mixes…", flush=True)
    public, public_info = traffic.build_public(traffic.rng_for(args.seed, "public"), 20000)
    organization, organization_info = traffic.build_organization(
        traffic.rng_for(args.seed, "organization"), 4000, User.objects.get(username="org@changshou.demo"))
    staff, _info = traffic.build_staff(traffic.rng_for(args.seed, "staff"), 4000, organization_info["big event"])
    mix_lists = {"public": (public, ""), "organization": (organization, cookies["portal"]),
                 "staff": (staff, cookies["staff"])}
    print("Rendering a sample of each kind without the page cache…", flush=True)
    profiles = {}
    for name, (pairs, cookie) in mix_lists.items():
        if name in wanted or (name == "public" and "signups" in wanted):
            print(f"  {name}", flush=True)
            profiles[name] = traffic.profile(pairs, cookie, per_kind=8)

    runs = []
    sign_up_events = []

    def record(label, result, variant="", **extra):
        result.update(label=label + variant, variant=variant, load_average=round(os.getloadavg()[0], 2), **extra)
        runs.append(result)
        print(f"  {label:<36} {result['rps']:>7.1f} req/s  p50 {result['p50_ms']:>6.1f}  p95 {result['p95_ms']:>6.1f}"
              f"  p99 {result['p99_ms']:>6.1f} ms  hits {result['hit_rate']}  statuses {result['statuses']}"
              f"  errors {result['errors']}  load {result['load_average']}", flush=True)

    def public_paths():
        return [path for _kind, path in public]

    def session(server_env, variant=""):
        server = start_server(server_env, args.port)
        try:
            traffic.wrk(args.port, ["/bench/baseline/"], 3)  # every worker started, connections open
            traffic.wrk(args.port, public_paths()[-500:], 5)  # templates compiled, per-process caches filled
            record("baseline", traffic.wrk(args.port, ["/bench/baseline/"], 10), variant)
            if "public" in wanted:
                cache.clear()
                record("public mix, cold cache", traffic.wrk(args.port, public_paths(), seconds), variant,
                       mix="public")
            if variant:
                return
            if "signups" in wanted:
                for rate in RATES:
                    capacity = int(rate * seconds * 1.5)
                    events = [signups.create_event(capacity, f"mix + {rate}/s, {n}") for n in range(3)]
                    sign_up_events.extend(event.pk for event in events)
                    cache.clear()
                    first_mobile = 13900000000 + secrets.randbelow(80_000_000)
                    writer = signups.paced(args.port, [event.pk for event in events], first_mobile, rate, seconds)
                    result = traffic.wrk(args.port, public_paths(), seconds)
                    result["signups"] = json.loads(writer.communicate()[0])
                    record(f"public mix, cold cache + {rate} sign-ups/s", result, mix="public", rate=rate)
                    print(f"    sign-ups {result['signups']['per_second']}/s  POST p50 "
                          f"{result['signups']['p50_ms']}  p95 {result['signups']['p95_ms']} ms  "
                          f"{result['signups']['statuses']}", flush=True)
            for name in ("organization", "staff"):
                if name in wanted:
                    paths = [path for _kind, path in mix_lists[name][0]]
                    record(f"{name} mix", traffic.wrk(args.port, paths, seconds, cookie=mix_lists[name][1]),
                           mix=name)
            if "staff" in wanted:  # issue 24: the admin's pages at concurrency 4 (a street office's staff at once)
                paths = [path for _kind, path in mix_lists["staff"][0]]
                record("staff mix, 4 connections",
                       traffic.wrk(args.port, paths, seconds, connections=4, cookie=mix_lists["staff"][1]),
                       mix="staff")
            record("baseline (again)", traffic.wrk(args.port, ["/bench/baseline/"], 10))
        finally:
            stop_server(server)

    try:
        session(env)
        if args.variants:
            for label, changes in VARIANTS:
                session({**env, **changes}, f" ({label})")
    finally:
        from core.models import OutboxMessage
        from events.models import Event, Registration

        mobiles = list(Registration.objects.filter(event__in=sign_up_events).values_list("mobile", flat=True))
        OutboxMessage.objects.filter(recipient__in=mobiles).delete()
        Event.objects.filter(pk__in=sign_up_events).delete()

    baselines = {}  # per gunicorn variant: the faster of its baseline runs
    for run in runs:
        if run["label"].startswith("baseline"):
            baselines[run["variant"]] = max(baselines.get(run["variant"], 0), run["rps"])
    for run in runs:
        run["ratio"] = round(run["rps"] / (baselines.get(run["variant"]) or 1), 3)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
    report = {
        "date": stamp, "scale": args.scale, "sizes": SCALES[args.scale], "cores": cores(), "seed": args.seed,
        "seconds_per_run": seconds, "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "minutes": round((time.monotonic() - started_at) / 60, 1),
        "mixes": {"public": public_info, "organization": organization_info,
                  "weights": {"public": traffic.PUBLIC_WEIGHTS, "organization": traffic.ORGANIZATION_WEIGHTS,
                              "staff": traffic.STAFF_WEIGHTS}},
        "runs": runs, "uncached": profiles,
    }
    markdown = mix_tables(report)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{stamp}-{args.scale}-mixes.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (out / f"{stamp}-{args.scale}-mixes.md").write_text(markdown + "\n")
    print()
    print(markdown)
    print(f"\nWritten to bench/results/{stamp}-{args.scale}-mixes.json and .md")


def mix_tables(report):
    lines = [
        f"Benchmark {report['date']} UTC, scale {report['scale']} {report['sizes'] or '(demo data)'}, "
        f"{report['cores']} cores, load average {report['load_average_before'][0]:.1f} before and "
        f"{report['load_average_after'][0]:.1f} after; wrk, 2 threads, 8 connections (unless the row says), "
        f"{report['seconds_per_run']:g} s a run; gunicorn as deployed (gunicorn.conf.py) unless the row says.",
        "",
        "| workload | req/s | × baseline | p50 ms | p95 ms | p99 ms | max ms | page-cache hit rate | failed "
        "| load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        hits = f"{run['hit_rate'] * 100:.0f} %" if run["hit_rate"] is not None else "—"
        lines.append(
            f"| {run['label']} | {run['rps']:.0f} | {run['ratio']:.3f} | {run['p50_ms']:.0f} | {run['p95_ms']:.0f} "
            f"| {run['p99_ms']:.0f} | {run['max_ms']:.0f} | {hits} | {run['failed']} | {run['load_average']:.1f} |"
        )
    written = [run for run in report["runs"] if "signups" in run]
    if written:
        lines += ["", "| sign-ups beside the public mix | done/s | POST p50 ms | POST p95 ms | POST p99 ms "
                  "| statuses |", "|---|---:|---:|---:|---:|---|"]
        for run in written:
            done = run["signups"]
            statuses = ", ".join(f"{count}× {status}" for status, count in sorted(done["statuses"].items()))
            lines.append(f"| {run['rate']}/s | {done['per_second']:.1f} | {done['p50_ms']:.0f} "
                         f"| {done['p95_ms']:.0f} | {done['p99_ms']:.0f} | {statuses} |")
    weights = report["mixes"]["weights"]
    lines += ["", "Each kind of address rendered without the page cache (test client, same database, the faster of "
              "two renderings; a sample of up to 8 addresses of the mix per kind):", "",
              "| mix | kind | share | p50 ms | p95 ms | max ms | slowest address |",
              "|---|---|---:|---:|---:|---:|---|"]
    for name, kinds in report["uncached"].items():
        for kind, row in kinds.items():
            share = weights.get(name, {}).get(kind)
            total = sum(weights.get(name, {}).values()) or 1
            lines.append(f"| {name} | {kind} | {share * 100 / total:.0f} % | {row['p50_ms']:.0f} "
                         f"| {row['p95_ms']:.0f} | {row['max_ms']:.0f} | `{row['slowest']}` |" if share else
                         f"| {name} | {kind} | — | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['max_ms']:.0f} "
                         f"| `{row['slowest']}` |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
