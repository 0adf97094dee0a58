"""One way for every cache of the portal to know that the data changed: the site version.

Pages of visitors who are not logged in (federation_portal/pagecache.py) and figures that cost a scan
(`cached()`: headline figures, statistics, the showcase's years) are kept under keys that contain the site
version. When the data changes, the version changes and the next request computes afresh; nothing has to know
which page or figure shows which rows, and nothing ever deletes a cache entry.

**What counts as a change.** Every INSERT, UPDATE or DELETE that reaches the database through Django on a table
of the apps whose rows public pages show (`TRACKED_APPS`), whatever made it: `save()`, `QuerySet.update()`,
`bulk_create()`, a many-to-many link, raw SQL through Django's cursor. A wrapper on every database connection
sees the statement (`watch_connections`); rows that no public page shows (the inbox, the personal-data access
log, simple-history's copies) are left out, so reading a notification does not empty the caches. What bypasses
Django's cursor (PostgreSQL COPY in seed_scale, a restore) calls `data_changed()` itself.

**Where the version lives.** The authority is one database row (`core.DataVersion`), moved on by one short
UPDATE after each transaction that changed tracked rows commits — so every process and server, with a shared
cache or without, agrees on it, and a transaction that rolls back changes nothing. With a shared cache (Redis)
the row's value is mirrored there and readers ask the cache only (the row again if the cache lost it); with
each process's own memory cache, readers read the row (one primary-key look-up).

**Inside the writing transaction**, before the commit, this process's readers add a token that changes with
each write, so a page or figure rendered from the uncommitted rows (the same request, a test) is neither
served from nor stored under the version other processes use.

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

SITE = "site"
VERSION_KEY = "site-version"
# Apps whose rows public pages show, and the tables among them that none does.
TRACKED_APPS = {"members", "projects", "events", "stats"}
IGNORED_TABLES = {"members_notification", "members_personaldataaccess"}
# INSERT [OR IGNORE] INTO "table", UPDATE "table", DELETE FROM "table" (SQLite, PostgreSQL, MySQL quoting).
WRITE_RE = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`\[]?(\w+)", re.IGNORECASE)

# Moves on with every tracked write of this process: readers inside a writing transaction add it to the version.
_writes = itertools.count(1)
_last_write = 0
_last_write_at = 0.0


def cache_is_shared():
    """Is the default cache the same for every process and server (Redis)? (settings.SHARED_CACHE)"""
    return settings.SHARED_CACHE


# Reading the version


def _stored_version(using=None):
    """The committed version as "<counter>-<unix time of the change>".

    Read where the page's other reads go (a read replica for visitors who are not logged in): a replica that
    lags behind gives the version that goes with the data it has."""
    model = apps.get_model("core", "DataVersion")
    row = (
        model.objects.using(using or router.db_for_read(model))
        .filter(name=SITE)
        .values_list("version", "changed_at")
        .first()
    )
    if row is None:
        return "0-0"
    return f"{row[0]}-{row[1].timestamp():.3f}"


def _committed_version():
    if not cache_is_shared():
        return _stored_version()
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _stored_version(), timeout=None)  # another process may have set a newer one
            version = cache.get(VERSION_KEY)
    except Exception:  # the cache is down: the row is the authority anyway
        _cache_down()
        version = None
    return version or _stored_version()


_last_warning = 0.0


def _cache_down():
    """Log a cache outage, at most once a minute per process (every request would otherwise log it)."""
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("cache unavailable: figures are computed and pages rendered without it", exc_info=True)


def _has_uncommitted_changes(using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    return connection.in_atomic_block and any(func is _publishers.get(using) for _, func, _ in connection.run_on_commit)


def site_version():
    """The version that pages and figures are kept under (see the module's text)."""
    version = _committed_version()
    if _has_uncommitted_changes():
        version = f"{version}~{_last_write}"
    return version


def seconds_since_change():
    """Seconds since the public data last changed (committed, or being changed by this process's transaction)."""
    changed = float(_committed_version().rsplit("-", 1)[1])
    if _has_uncommitted_changes():
        changed = max(changed, _last_write_at)
    return time.time() - changed if changed else float("inf")


def cached(name, compute, *, timeout=24 * 60 * 60):
    """compute() once per site version (per cache: per process, or shared through Redis); every time while the
    cache is down."""
    key = f"data:{name}:{site_version()}"
    try:
        value = cache.get(key)
    except Exception:  # the cache is down: the figure is computed, the page still renders
        _cache_down()
        return compute()
    if value is None:
        value = compute()
        if not replica_may_lag():
            try:
                cache.set(key, value, timeout=timeout)
            except Exception:
                _cache_down()
    return value


def replica_may_lag():
    """With a read replica, what was read within DATABASE_REPLICA_PIN_SECONDS of the last change may predate
    the change: such pages and figures are served but not kept."""
    if not settings.DATABASE_REPLICA_URL:
        return False
    return seconds_since_change() < settings.DATABASE_REPLICA_PIN_SECONDS


# Changing the version


def _publish(using):
    """After a commit: move the database row on, then the shared cache's copy."""
    model = apps.get_model("core", "DataVersion")
    rows = model.objects.using(using)
    try:
        if not rows.filter(name=SITE).update(version=F("version") + 1, changed_at=timezone.now()):
            try:
                with transaction.atomic(using=using):
                    rows.create(name=SITE, version=1)
            except IntegrityError:  # created meanwhile by another process
                rows.filter(name=SITE).update(version=F("version") + 1, changed_at=timezone.now())
        if cache_is_shared():
            cache.set(VERSION_KEY, _stored_version(using), timeout=None)
    except Exception:  # the change itself is committed and must not fail; pages expire within PAGE_CACHE_SECONDS
        logger.warning("site version: could not record a change", exc_info=True)


_publishers = {}


def _publisher(using):
    if using not in _publishers:
        _publishers[using] = lambda: _publish(using)
    return _publishers[using]


def data_changed(using=DEFAULT_DB_ALIAS):
    """Public data changed on this connection: the version moves once the transaction commits (at once without
    one), and this process's readers inside the transaction stop using the caches at once."""
    global _last_write, _last_write_at
    _last_write, _last_write_at = next(_writes), time.time()
    connection = connections[using]
    publish = _publisher(using)
    if not connection.in_atomic_block:
        publish()
    elif not any(func is publish for _, func, _ in connection.run_on_commit):
        transaction.on_commit(publish, using=using)


def _tracked_tables():
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in TRACKED_APPS and not meta.object_name.startswith("Historical"):
            tables.add(meta.db_table)
    return frozenset(tables - IGNORED_TABLES)


class _WriteWatcher:
    """An execute wrapper (Django's database instrumentation) that notices writes to tracked tables."""

    tables = None
    paused = False  # while migrations run (the version's own table may not exist yet)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE_RE.match(sql) if isinstance(sql, str) and not self.paused else None
        if match:
            if self.tables is None:
                type(self).tables = _tracked_tables()
            if match.group(1) in self.tables:
                data_changed(context["connection"].alias)
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
