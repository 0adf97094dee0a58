"""How every cache of the portal knows that the data it was made from changed: versions per family of tables.

Pages of visitors who are not logged in (federation_portal/pagecache.py) and figures that cost a scan
(`cached()`: headline figures, statistics, the showcase's years) are kept under keys that contain the versions of
the data they are made from. When the data changes, its version changes and the next request computes afresh;
nothing ever deletes a cache entry.

**Families.** The tables public pages show are grouped by what changes together and what pages read
(`FAMILIES`): the organizations (the members app), the projects, the events, and the sign-ups — which change by
the second and which only a few pages show exactly. Each family has its own version. A page or figure says which
families it shows (`page_cache = ("members", "events")` on a view, `cached(name, compute, families=...)`), so a
sign-up moves only the sign-ups' version: the directory, the showcase and the events list stay cached, while the
event's own page shows the new number of places on the next request. Lists that show places left read the
sign-ups without depending on them: their places are at most PAGE_CACHE_SECONDS old, and the page says so
(`page_cache_lagging`). tests/perf/test_cache_families.py renders every cached page and checks that the families
of the tables its queries read are among those it declares.

**What counts as a change.** Every INSERT, UPDATE or DELETE that reaches the database through Django on a table
of the apps whose rows public pages show (`TRACKED_APPS`), whatever made it: `save()`, `QuerySet.update()`,
`bulk_create()`, a many-to-many link, raw SQL through Django's cursor. A wrapper on every database connection
sees the statement and its table (`watch_connections`); rows that no public page shows (the inbox, the
personal-data access log, audit trails, lookup codes, simple-history's copies) are left out, so reading a
notification or checking someone in does not empty the caches. What bypasses Django's cursor (PostgreSQL COPY in
seed_scale, a restore) calls `data_changed()` itself, which moves every family.

**Where the versions live.** The authority is one database row per family (`core.DataVersion`), moved on by one
short UPDATE after each transaction that changed tracked rows commits — so every process and server, with a shared
cache or without, agrees on them, and a transaction that rolls back changes nothing. With a shared cache (Redis)
the rows' values are mirrored there and readers ask the cache only (one round trip for all the families a page
needs; the rows again if the cache lost them); with each process's own memory cache, readers read the rows (one
query).

**Inside the writing transaction**, before the commit, this process's readers add a token that changes with
each write, so a page or figure rendered from the uncommitted rows (the same request, a test) is neither
served from nor stored under the versions other processes use.

If a process dies between its commit and the UPDATE, pages stay at most PAGE_CACHE_SECONDS old.
"""

import itertools
import logging
import re
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, router, transaction
from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.signals import post_migrate, pre_migrate
from django.utils import timezone

logger = logging.getLogger(__name__)

# Apps whose rows public pages show; the family of a table is its app, unless FAMILY_OF_TABLE says otherwise.
TRACKED_APPS = {"members", "projects", "events", "stats", "communities", "contracts", "incubation"}
# Apps whose tables belong to another app's family: contracts show on the project pages and in the projects' figures.
FAMILY_OF_APP = {"contracts": "projects"}
FAMILY_OF_TABLE = {
    "events_registration": "signups",  # a write every few seconds at city scale
    # The committees' word on activities changes the duty's figures, which belong to the events.
    "communities_activityconfirmation": "events",
}
FAMILIES = ("members", "projects", "events", "signups", "stats", "incubation")
# Tables of those apps that no public page shows: audit trails, accounts, personal-data logs, lookup codes.
IGNORED_TABLES = {
    "members_notification", "members_personaldataaccess", "members_accountchange", "members_organizationaccount",
    "members_invitation", "events_eventchange", "events_lookupcode",
    "communities_communityaccount", "communities_communityinvitation",
    "contracts_contractchange",
    "incubation_filingchange",
    "communities_quarterlyrating",  # the committees' ratings are never public
}
VERSION_KEY = "data-version:{}"
# INSERT [OR IGNORE] INTO "table", UPDATE "table", DELETE FROM "table" (SQLite, PostgreSQL, MySQL quoting).
WRITE_RE = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`\[]?(\w+)", re.IGNORECASE)

# Moves on with every tracked write of this process: readers inside a writing transaction add it to the version.
_writes = itertools.count(1)
_last_write_at = 0.0


def cache_is_shared():
    """Is the default cache the same for every process and server (Redis)? (settings.SHARED_CACHE)"""
    return settings.SHARED_CACHE


def families_of(families):
    """The families a page or figure depends on, in a fixed order: `True` or None means all of them."""
    if families is True or families is None:
        return FAMILIES
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown data families: {sorted(unknown)}")
    return tuple(family for family in FAMILIES if family in families)


# Reading the versions


def _stored_versions(families, using=None):
    """The committed versions as {family: "<counter>-<unix time of the change>"}.

    Read where the page's other reads go (a read replica for visitors who are not logged in): a replica that
    lags behind gives the versions that go with the data it has."""
    model = apps.get_model("core", "DataVersion")
    rows = (
        model.objects.using(using or router.db_for_read(model))
        .filter(name__in=families)
        .values_list("name", "version", "changed_at")
    )
    found = {name: f"{version}-{changed_at.timestamp():.3f}" for name, version, changed_at in rows}
    return {family: found.get(family, "0-0") for family in families}


def _committed_versions(families):
    if not cache_is_shared():
        return _stored_versions(families)
    keys = {VERSION_KEY.format(family): family for family in families}
    try:
        found = cache.get_many(list(keys))
        if len(found) < len(keys):
            missing = [family for key, family in keys.items() if key not in found]
            for family, version in _stored_versions(missing).items():
                cache.add(VERSION_KEY.format(family), version, timeout=None)  # another process may have set a newer one
            found = cache.get_many(list(keys))
    except Exception:  # the cache is down: the rows are the authority anyway
        _cache_down()
        return _stored_versions(families)
    versions = {family: found.get(key) for key, family in keys.items()}
    if None in versions.values():
        return _stored_versions(families)
    return versions


_last_warning = 0.0


def _cache_down():
    """Log a cache outage, at most once a minute per process (every request would otherwise log it)."""
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("cache unavailable: figures are computed and pages rendered without it", exc_info=True)


def _uncommitted_write(families, using=DEFAULT_DB_ALIAS):
    """The latest write of this thread's open transaction to any of these families (0: none, or committed)."""
    connection = connections[using]
    if not connection.in_atomic_block or not any(
        func is _publishers.get(using) for _, func, _ in connection.run_on_commit
    ):
        return 0
    writes = getattr(connection, "changed_data_families", {})
    return max((writes.get(family, 0) for family in families), default=0)


def data_version(families=None):
    """The version that pages and figures made from these families are kept under (see the module's text)."""
    families = families_of(families)
    versions = _committed_versions(families)
    version = ".".join(versions[family].split("-", 1)[0] for family in families)
    write = _uncommitted_write(families)
    if write:
        version = f"{version}~{write}"
    return version


def site_version():
    """The version of all the public data: moves with any change."""
    return data_version(FAMILIES)


def seconds_since_change(families=None):
    """Seconds since these families last changed (committed, or being changed by this process's transaction)."""
    families = families_of(families)
    versions = _committed_versions(families)
    changed = max(float(version.rsplit("-", 1)[1]) for version in versions.values())
    if _uncommitted_write(families):
        changed = max(changed, _last_write_at)
    return time.time() - changed if changed else float("inf")


def cached(name, compute, *, families=None, timeout=24 * 60 * 60):
    """compute() once per version of the families it reads (all of them unless said; per cache: per process, or
    shared through Redis); every time while the cache is down."""
    families = families_of(families)
    key = f"data:{name}:{data_version(families)}"
    try:
        value = cache.get(key)
    except Exception:  # the cache is down: the figure is computed, the page still renders
        _cache_down()
        return compute()
    if value is None:
        value = compute()
        if not replica_may_lag(families):
            try:
                cache.set(key, value, timeout=timeout)
            except Exception:
                _cache_down()
    return value


def replica_may_lag(families=None):
    """With a read replica, what was read within DATABASE_REPLICA_PIN_SECONDS of the last change may predate
    the change: such pages and figures are served but not kept."""
    if not settings.DATABASE_REPLICA_URL:
        return False
    return seconds_since_change(families) < settings.DATABASE_REPLICA_PIN_SECONDS


# Changing the version


def _publish(using, families):
    """After a commit: move the families' database rows on, then the shared cache's copies."""
    model = apps.get_model("core", "DataVersion")
    rows = model.objects.using(using)
    try:
        now = timezone.now()
        if rows.filter(name__in=families).update(version=F("version") + 1, changed_at=now) < len(families):
            for family in set(families) - set(rows.filter(name__in=families).values_list("name", flat=True)):
                try:
                    with transaction.atomic(using=using):
                        rows.create(name=family, version=1, changed_at=now)
                except IntegrityError:  # created meanwhile by another process
                    rows.filter(name=family).update(version=F("version") + 1, changed_at=now)
        if cache_is_shared():
            versions = _stored_versions(families, using)
            cache.set_many({VERSION_KEY.format(family): version for family, version in versions.items()}, timeout=None)
    except Exception:  # the change itself is committed and must not fail; pages expire within PAGE_CACHE_SECONDS
        logger.warning("data version: could not record a change", exc_info=True)


_publishers = {}


def _publisher(using):
    if using not in _publishers:

        def publish():
            # The families this thread's connection changed in the transaction that committed.
            connection = connections[using]
            families = getattr(connection, "changed_data_families", None)
            connection.changed_data_families = {}
            _publish(using, families_of(families or FAMILIES))

        _publishers[using] = publish
    return _publishers[using]


def data_changed(using=DEFAULT_DB_ALIAS, families=None):
    """Public data of these families (all of them unless said) changed on this connection: their versions move
    once the transaction commits (at once without one), and this process's readers inside the transaction stop
    using the caches for them at once."""
    global _last_write_at
    write, _last_write_at = next(_writes), time.time()
    changed = dict.fromkeys(families_of(families), write)
    connection = connections[using]
    publish = _publisher(using)
    if not connection.in_atomic_block:
        connection.changed_data_families = changed
        publish()
    elif any(func is publish for _, func, _ in connection.run_on_commit):
        connection.changed_data_families.update(changed)
    else:  # the first change of this transaction (what one that rolled back left is dropped)
        connection.changed_data_families = changed
        transaction.on_commit(publish, using=using)


def _tracked_tables():
    """{table: family} of every table whose writes move a version."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in TRACKED_APPS and not meta.object_name.startswith("Historical"):
            if meta.db_table not in IGNORED_TABLES:
                tables[meta.db_table] = FAMILY_OF_TABLE.get(
                    meta.db_table, FAMILY_OF_APP.get(meta.app_label, meta.app_label)
                )
    return tables


class _WriteWatcher:
    """An execute wrapper (Django's database instrumentation) that notices writes to tracked tables."""

    tables = None
    paused = False  # while migrations run (the versions' own table may not exist yet)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE_RE.match(sql) if isinstance(sql, str) and not self.paused else None
        if match:
            if self.tables is None:
                type(self).tables = _tracked_tables()
            family = self.tables.get(match.group(1))
            if family is not None:
                data_changed(context["connection"].alias, (family,))
        return result


_watcher = _WriteWatcher()


def _watch(connection, **kwargs):
    if _watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watcher)


def _pause(**kwargs):
    _WriteWatcher.paused = True


def _resume(using=DEFAULT_DB_ALIAS, **kwargs):
    if _WriteWatcher.paused:
        _WriteWatcher.paused = False
        _WriteWatcher.tables = None  # migrations may have added tables
        data_changed(using)  # and may have changed rows


def watch_connections():
    """Watch every database connection of every thread, present and future (called from CoreConfig.ready)."""
    connection_created.connect(_watch, dispatch_uid="core-site-version")
    for connection in connections.all(initialized_only=True):
        _watch(connection)
    pre_migrate.connect(_pause, dispatch_uid="core-site-version-pause")
    post_migrate.connect(_resume, dispatch_uid="core-site-version-resume")
