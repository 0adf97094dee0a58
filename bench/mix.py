"""Realistic traffic for `make bench` (issue 24): seeded address mixes, replayed with wrk.

- **The public mix**: what a resident population asks for. Event, organization and project pages drawn by a
  Zipf law over the objects (a few are popular, most are visited now and then; upcoming events before past
  ones), the showcase, directory and events list with random combinations of their own filters (read off the
  filter forms, so a new filter joins the mix), search words taken from the data (two-character Chinese words
  among them, which trigram indexes cannot narrow down), deep pages 2–200 of the three lists, the home page,
  the statistics with random filters, the month calendar, calls and needs.
- **The organization's mix**: an organization's account (org@changshou.demo) on its portal pages: dashboard,
  its events and their sign-up lists (an event with 5,000 sign-ups among them, paged and searched), the
  check-in page, its projects, people, inbox, membership and profile.
- **The staff mix**: the street office's staff on the staff pages (dashboard, statistics, monthly activity,
  call rankings) and the admin: changelists of events, sign-ups (1,000,000), organizations, projects and
  memberships, plain, filtered, searched and paged, and change pages of objects drawn by a Zipf law.

`build()` returns (kind, path) pairs; `profile()` renders a sample of each kind once without the page cache
(the cost of a page when the data has just changed); `wrk()` replays a list against the server and reports
throughput, latency percentiles, statuses and the page cache's hits and misses (the X-Page-Cache header).
Every list is drawn from a seeded random generator: the same database and seed give the same addresses.
"""

import bisect
import itertools
import json
import random
import re
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

# Shares of the public mix (per cent of requests), by kind.
PUBLIC_WEIGHTS = {
    "event page": 24,
    "organization page": 10,
    "project page": 10,
    "events list": 10,
    "events deep page": 5,
    "showcase": 8,
    "showcase deep page": 3,
    "directory": 6,
    "directory deep page": 2,
    "search 2 chars": 4,
    "search 3-4 chars": 4,
    "home": 8,
    "statistics": 3,
    "month view": 2,
    "calls and needs": 1,
}
ZIPF_EXPONENT = 1.0
DEEPEST_PAGE = 200
CJK = re.compile(r"[\u4e00-\u9fff]{2,}")
PAGE_LINK = re.compile(r"[?&;]page=(\d+)")


class Zipf:
    """Draws items with probability proportional to 1 / rank ** s (rank 1 = the first item)."""

    def __init__(self, items, rng, s=ZIPF_EXPONENT):
        self.items, self.rng = list(items), rng
        self.cumulative = list(itertools.accumulate(1 / (rank ** s) for rank in range(1, len(self.items) + 1)))

    def __call__(self):
        return self.items[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]


def words_from(texts, rng, count, lengths):
    """`count` Chinese words of the given lengths cut out of the texts (search words residents would type)."""
    runs = [run for text in texts for run in CJK.findall(text or "")]
    words = set()
    for _ in range(count * 20):
        if len(words) >= count or not runs:
            break
        run = rng.choice(runs)
        length = rng.choice(lengths)
        if len(run) >= length:
            start = rng.randrange(len(run) - length + 1)
            words.add(run[start : start + length])
    return sorted(words)


def filter_choices(form):
    """For each field of a filter form: the values a visitor can pick (None: a text or date field)."""
    from django import forms

    choices = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            choices[name] = [str(field.prepare_value(obj)) for obj in field.queryset[:300]]
        elif isinstance(field, forms.ChoiceField):
            choices[name] = [str(value) for value, _label in field.choices if value not in ("", None)]
        elif isinstance(field, forms.BooleanField | forms.NullBooleanField):
            choices[name] = ["on"]
        elif isinstance(field, forms.DateField):
            choices[name] = "date"
    return {name: values for name, values in choices.items() if values}


def random_filters(rng, choices, today, most=3):
    """A random combination of up to `most` filters (none: the plain list), as query parameters."""
    chosen = rng.sample(sorted(choices), rng.randint(0, min(most, len(choices))))
    params = {}
    for name in chosen:
        values = choices[name]
        if values == "date":
            params[name] = (today + timedelta(days=rng.randint(-60, 60))).isoformat()
        else:
            params[name] = rng.choice(values)
    return params


def with_query(path, params):
    return f"{path}?{urlencode(params)}" if params else path


def last_page(client, path):
    """The number of the last page of a list, read off its page links (1 without any)."""
    response = client.get(path)
    numbers = [int(n) for n in PAGE_LINK.findall(response.content.decode("utf-8", "replace"))]
    return max([1, *numbers])


def deep_page(rng, path, pages):
    return with_query(path, {"page": rng.randint(2, max(2, min(DEEPEST_PAGE, pages)))})


def build_public(rng, count):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from events.filters import EventFilter
    from events.models import Event
    from members.filters import OrganizationFilter
    from members.models import Organization
    from projects.filters import ProjectFilter
    from projects.models import Project
    from stats.forms import StatsFilterForm

    today = timezone.localdate()
    now = timezone.now()

    def shuffled(pks):
        pks = list(pks)
        rng.shuffle(pks)
        return pks

    listed = Event.objects.listed()
    events = Zipf(shuffled(listed.filter(ends_at__gte=now).values_list("pk", flat=True))
                  + shuffled(listed.filter(ends_at__lt=now).values_list("pk", flat=True)), rng)
    organizations = Zipf(shuffled(Organization.objects.public().values_list("slug", flat=True)), rng)
    projects = Zipf(shuffled(Project.objects.public().values_list("slug", flat=True)), rng)
    texts = [*listed.order_by("?").values_list("title", flat=True)[:400],
             *Organization.objects.public().order_by("?").values_list("name", flat=True)[:300],
             *Project.objects.public().order_by("?").values_list("title", flat=True)[:300]]
    short_words = words_from(texts, rng, 60, [2])
    long_words = words_from(texts, rng, 60, [3, 4])

    client = Client(HTTP_HOST="127.0.0.1")
    lists = {
        "events": (reverse("events:list"), filter_choices(EventFilter().form)),
        "showcase": (reverse("projects:list"), filter_choices(ProjectFilter().form)),
        "directory": (reverse("members:organization-list"), filter_choices(OrganizationFilter().form)),
    }
    pages = {name: last_page(client, path) for name, (path, _choices) in lists.items()}
    stats_choices = filter_choices(StatsFilterForm())

    def list_page(name):
        path, choices = lists[name]
        params = random_filters(rng, choices, today)
        if rng.random() < 0.15:  # a search typed into the list's own box
            params["q"] = rng.choice(short_words + long_words)
        return with_query(path, params)

    months = [(today.replace(day=1) + timedelta(days=31 * n)) for n in range(-2, 4)]
    makers = {
        "event page": lambda: reverse("events:detail", args=[events()]),
        "organization page": lambda: reverse("organization-page", args=[organizations()]),
        "project page": lambda: reverse("projects:detail", args=[projects()]),
        "events list": lambda: list_page("events"),
        "events deep page": lambda: deep_page(rng, lists["events"][0], pages["events"]),
        "showcase": lambda: list_page("showcase"),
        "showcase deep page": lambda: deep_page(rng, lists["showcase"][0], pages["showcase"]),
        "directory": lambda: list_page("directory"),
        "directory deep page": lambda: deep_page(rng, lists["directory"][0], pages["directory"]),
        "search 2 chars": lambda: with_query(reverse("search"), {"q": rng.choice(short_words)}),
        "search 3-4 chars": lambda: with_query(reverse("search"), {"q": rng.choice(long_words)}),
        "home": lambda: reverse("home"),
        "statistics": lambda: with_query(reverse("stats"), random_filters(rng, stats_choices, today, most=2)),
        "month view": lambda: (lambda month: reverse("events:month", args=[month.year, month.month]))(
            rng.choice(months)) if rng.random() < 0.5 else reverse("events:month"),
        "calls and needs": lambda: reverse(rng.choice(["projects:calls", "projects:needs"])),
    }
    return draw(rng, makers, PUBLIC_WEIGHTS, count), {"last pages": pages, "search words": {
        "2 chars": len(short_words), "3-4 chars": len(long_words)}}


def draw(rng, makers, weights, count):
    kinds = list(weights)
    chosen = rng.choices(kinds, weights=[weights[kind] for kind in kinds], k=count)
    return [(kind, makers[kind]()) for kind in chosen]


def big_event(organization, size=5000):
    """An event of `organization` with `size` sign-ups (made once, kept with the seeded data): no organizer's or
    admin page may grow with the number of sign-ups of an event."""
    from django.utils import timezone

    from events.models import Event, Registration

    title = f"bench {size} sign-ups"
    event = Event.objects.filter(organization=organization, title=title).first()
    if event is None:
        starts = timezone.now() + timedelta(days=7)
        event = Event.objects.create(
            organization=organization, title=title, place="长寿路街道社区中心", starts_at=starts,
            ends_at=starts + timedelta(hours=2), capacity=size, state=Event.State.PUBLISHED,
            published_at=timezone.now(),
        )
    have = event.registrations.count()
    if have < size:
        Registration.objects.bulk_create(
            Registration(event=event, name=f"居民{n}", mobile=str(13700000000 + n), check_in_code=f"{n:06d}",
                         status=Registration.Status.CONFIRMED)
            for n in range(have, size)
        )
    return event


ORGANIZATION_WEIGHTS = {
    "dashboard": 15,
    "events": 12,
    "event (sign-ups)": 18,
    "big event, page": 8,
    "big event, searched": 6,
    "check-in page": 6,
    "sign-ups": 8,
    "projects": 8,
    "project": 8,
    "people": 4,
    "inbox": 4,
    "membership": 4,
    "profile": 3,
}


def build_organization(rng, count, user):
    from django.urls import reverse

    from events.models import Event
    from projects.models import Project

    organization = user.org_account.organization
    event = big_event(organization)
    events = Zipf(list(Event.objects.filter(organization=organization).order_by("-starts_at")
                       .values_list("pk", flat=True)[:200]), rng)
    projects = list(Project.objects.filter(organization=organization).values_list("pk", flat=True)) or [None]
    mobiles = list(event.registrations.values_list("mobile", flat=True)[:500])
    makers = {
        "dashboard": lambda: reverse("members:portal"),
        "events": lambda: reverse("events:manage-list"),
        "event (sign-ups)": lambda: reverse("events:manage-detail", args=[events()]),
        "big event, page": lambda: with_query(reverse("events:manage-detail", args=[event.pk]),
                                              {"page": rng.randint(1, 100)}),
        "big event, searched": lambda: with_query(reverse("events:manage-detail", args=[event.pk]),
                                                  {"q": rng.choice(mobiles)[-4:]}),
        "check-in page": lambda: with_query(reverse("events:manage-check-in", args=[event.pk]),
                                            {"q": rng.choice(mobiles)[-4:]} if rng.random() < 0.7 else {}),
        "sign-ups": lambda: with_query(reverse("events:manage-registrations"),
                                       {"page": rng.randint(1, 50)} if rng.random() < 0.5 else {}),
        "projects": lambda: reverse("projects:manage-list"),
        "project": lambda: (reverse("projects:manage-detail", args=[rng.choice(projects)]) if projects[0]
                            else reverse("projects:manage-list")),
        "people": lambda: reverse("members:manage-people"),
        "inbox": lambda: reverse("members:inbox"),
        "membership": lambda: reverse("members:manage-membership"),
        "profile": lambda: reverse("members:manage-profile"),
    }
    return draw(rng, makers, ORGANIZATION_WEIGHTS, count), {"big event": event.pk}


STAFF_WEIGHTS = {
    "staff dashboard": 6,
    "staff statistics": 5,
    "monthly activity": 8,
    "ranking": 6,
    "admin events": 12,
    "admin sign-ups": 12,
    "admin organizations": 8,
    "admin projects": 6,
    "admin memberships": 4,
    "admin search, common word": 3,
    "admin event": 10,
    "admin big event": 3,
    "admin sign-up": 5,
    "admin organization": 8,
    "admin project": 4,
}


def build_staff(rng, count, big_event_pk):
    from django.urls import reverse
    from django.utils import timezone

    from events.models import Event, Registration
    from members.models import Membership, Organization
    from projects.models import Call, Project

    def changelist(model, options):
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        params = {}
        for name, values in rng.sample(options, rng.randint(0, min(2, len(options)))):
            params[name] = rng.choice(values)
        if "p" in params and len(params) > 1:  # a filtered list has fewer pages (past the last: a redirect)
            params["p"] = str(rng.randint(1, 3))
        return with_query(path, params)

    def change(model, pk):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])

    def values(model, field):
        return [str(value) for value, _label in model._meta.get_field(field).choices]

    texts = [*Event.objects.order_by("?").values_list("title", flat=True)[:200],
             *Organization.objects.order_by("?").values_list("name", flat=True)[:200]]
    words = words_from(texts, rng, 40, [2, 3])
    names = [name[-2:] for name in Registration.objects.order_by("?").values_list("name", flat=True)[:100]]
    pages = [str(n) for n in range(1, 200)]
    today = timezone.localdate()
    months = [(today.replace(day=1) - timedelta(days=28 * n)).strftime("%Y-%m") for n in range(6)]
    events = Zipf(list(Event.objects.order_by("-starts_at").values_list("pk", flat=True)[:20000]), rng)
    organizations = Zipf(list(Organization.objects.order_by("?").values_list("pk", flat=True)), rng)
    projects = Zipf(list(Project.objects.order_by("?").values_list("pk", flat=True)[:20000]), rng)
    registrations = list(Registration.objects.order_by("-pk").values_list("pk", flat=True)[:5000])
    calls = list(Call.objects.exclude(state=Call.State.DRAFT).values_list("pk", flat=True)) or [None]
    makers = {
        "staff dashboard": lambda: reverse("stats:dashboard"),
        "staff statistics": lambda: reverse("stats:staff"),
        "monthly activity": lambda: with_query(reverse("events:compliance"), {
            "month": rng.choice(months), **({"page": rng.randint(2, 10)} if rng.random() < 0.3 else {})}),
        "ranking": lambda: reverse("projects:ranking", args=[rng.choice(calls)]),
        "admin events": lambda: changelist(Event, [
            ("state__exact", values(Event, "state")), ("kind__exact", values(Event, "kind")), ("p", pages),
            ("q", words)]),
        "admin sign-ups": lambda: changelist(Registration, [
            ("status__exact", values(Registration, "status")), ("p", pages), ("q", names),
            ("event__id__exact", [str(big_event_pk), str(events())])]),
        "admin organizations": lambda: changelist(Organization, [("p", pages[:20]), ("q", words)]),
        "admin projects": lambda: changelist(Project, [("p", pages), ("q", words)]),
        "admin memberships": lambda: changelist(Membership, [("status__exact", values(Membership, "status")),
                                                             ("p", pages[:20])]),
        # A word in most rows: every seeded name ends in one of a few characters, one title in nine is 理发.
        "admin search, common word": lambda: rng.choice([
            with_query(reverse("admin:events_registration_changelist"), {"q": "居民"}),
            with_query(reverse("admin:events_event_changelist"), {"q": "理发"}),
        ]),
        "admin event": lambda: change(Event, events()),
        "admin big event": lambda: change(Event, big_event_pk),
        "admin sign-up": lambda: change(Registration, rng.choice(registrations)),
        "admin organization": lambda: change(Organization, organizations()),
        "admin project": lambda: change(Project, projects()),
    }
    if calls[0] is None:
        del makers["ranking"]
    weights = {kind: weight for kind, weight in STAFF_WEIGHTS.items() if kind in makers}
    return draw(rng, makers, weights, count), {}


def profile(pairs, cookie="", per_kind=12):
    """Each kind's sample rendered by the test client without the page cache (the faster of two renderings of each
    address): median, p95, max (ms) over the sample."""
    from django.test import Client, override_settings
    from load import percentile

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    by_kind = {}
    for kind, path in pairs:
        if len(by_kind.setdefault(kind, [])) < per_kind and path not in by_kind[kind]:
            by_kind[kind].append(path)
    results = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        for kind, paths in by_kind.items():
            client.get(paths[0])  # per-process caches filled, as in a warm worker
            timings, statuses, slowest = [], {}, (0, "")
            for path in paths:
                elapsed = None
                for _ in range(2):  # the faster of two: the machine is shared, and a busy moment is not the page
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = min(elapsed or 1e9, (time.perf_counter() - started) * 1000)
                timings.append(elapsed)
                statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
                slowest = max(slowest, (elapsed, path))
            timings.sort()
            results[kind] = {"n": len(timings), "p50_ms": round(percentile(timings, 0.5), 1),
                             "p95_ms": round(percentile(timings, 0.95), 1), "max_ms": round(timings[-1], 1),
                             "slowest": slowest[1], "statuses": statuses}
            print(f"    {kind:<26} p50 {results[kind]['p50_ms']:>7.1f}  p95 {results[kind]['p95_ms']:>7.1f} ms  "
                  f"{statuses}", flush=True)
    return results


LUA = r"""
local paths, n, counter = {}, 0, 0
hits, misses, statuses = 0, 0, {}
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do n = n + 1; paths[n] = line end
  counter = math.floor(n * id / tonumber(args[2]))
  wrk.headers["Host"] = "127.0.0.1"
  if args[3] ~= nil and args[3] ~= "" then wrk.headers["Cookie"] = args[3] end
end

function request()
  counter = counter % n + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  local cached = headers["X-Page-Cache"]
  if cached == "hit" then hits = hits + 1 elseif cached == "miss" then misses = misses + 1 end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local h, m, codes = 0, 0, {}
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    for code, count in pairs(thread:get("statuses")) do codes[code] = (codes[code] or 0) + count end
  end
  local parts = {}
  for code, count in pairs(codes) do table.insert(parts, string.format('"%d": %d', code, count)) end
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"hits": %d, "misses": %d, "statuses": {%s}, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "status": %d}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, h, m, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def wrk(port, paths, seconds, connections=8, threads=2, cookie=""):
    """Replays `paths` (each thread from its own starting point, in order, round and round) for `seconds`."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="bench-mix-") as folder:
        script, listing = Path(folder) / "mix.lua", Path(folder) / "paths.txt"
        script.write_text(LUA)
        listing.write_text("\n".join(paths) + "\n")
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
             "-s", str(script), f"http://127.0.0.1:{port}", "--", str(listing), str(threads), cookie],
            capture_output=True, text=True,
        )
    line = next((line for line in output.stdout.splitlines() if line.startswith("JSON ")), None)
    if output.returncode or line is None:
        raise SystemExit(f"wrk failed ({output.returncode}):\n{output.stdout[-2000:]}\n{output.stderr[-2000:]}")
    result = json.loads(line[5:])
    result["rps"] = round(result["requests"] / result["seconds"], 1) if result["seconds"] else 0
    looked_up = result["hits"] + result["misses"]
    result["hit_rate"] = round(result["hits"] / looked_up, 3) if looked_up else None
    result["failed"] = sum(n for name, n in result["errors"].items() if name != "status") + sum(
        count for code, count in result["statuses"].items() if int(code) >= 400)
    return result


def rng_for(seed, name):
    return random.Random(f"{seed}:{name}")
