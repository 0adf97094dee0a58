"""Caching keyed on the data it depends on, so that a change is visible on the next request.

A figure that costs a scan (a count over a year of events, the years of the project showcase) is cached under
a key built from `data_version()` of the models it reads: the latest `updated_at` and the row count of each.
Saving a row moves its `updated_at`, adding or deleting one moves the count, so the key changes and the next
request computes afresh; nothing has to remember to delete a cache entry. Both aggregates read an index.

A table whose rows are only ever added and removed, never changed (a many-to-many link table, a change
record), has no `updated_at`: its highest id and its count stand in.
"""

import hashlib
import logging
import time
import uuid

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)


def _latest_column(model):
    """The column whose maximum moves on every change of the model's rows."""
    try:
        return model._meta.get_field("updated_at").column
    except FieldDoesNotExist:  # an insert-only table, see above
        return model._meta.pk.column


def data_version(*models):
    """A short string that changes whenever a row of these models is added, deleted or saved (one query)."""
    connection = connections[router.db_for_read(models[0])]  # the replica for anonymous reads, when configured
    quote = connection.ops.quote_name
    columns = []
    for model in models:
        table = quote(model._meta.db_table)
        latest = quote(_latest_column(model))
        columns += [f"(SELECT MAX({latest}) FROM {table})", f"(SELECT COUNT(*) FROM {table})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        parts = cursor.fetchone()
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def cached_by_version(name, models, compute, *, timeout=24 * 60 * 60):
    """compute() once per version of the models' data (per cache: per process, or shared through Redis)."""
    key = f"data:{name}:{data_version(*models)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


# The site version: one token for all public data, for the whole-page cache (federation_portal/pagecache.py).
# Any save or delete of a row that public pages show sets a new one (signals, connected in MembersConfig.ready);
# code that changes rows without signals calls data_changed() itself.

VERSION_KEY = "pagecache:version"
# Apps whose rows public pages show. Rows that no public page shows are left out, so that reading a
# notification or logging who opened a sign-up list does not empty the cache.
TRACKED_APPS = {"members", "projects", "events", "stats"}
IGNORED_MODELS = {"members.notification", "members.personaldataaccess"}


def site_version():
    """The current site version (a random token), created on first use or after the cache lost it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, f"{uuid.uuid4().hex}-0", timeout=None)  # changed at an unknown, long-past time
        version = cache.get(VERSION_KEY)
    return version


def seconds_since_change():
    """Seconds since the site version last changed (the version carries its time)."""
    return time.time() - float(site_version().rsplit("-", 1)[1])


def _new_version():
    try:
        cache.set(VERSION_KEY, f"{uuid.uuid4().hex}-{time.time():.3f}", timeout=None)
    except Exception:  # a cache that is down serves no pages either; the change itself must not fail
        logger.warning("page cache: could not set a new site version", exc_info=True)


def data_changed():
    """Public pages are out of date: call after changes that send no signals (update, bulk_create, SQL).

    The version changes at once (visible inside the transaction and in tests) and again when the
    transaction commits, so that a page rendered by another request from the data as it was before the
    commit, and stored under the first new version, is not served afterwards.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _tracked(model):
    meta = model._meta
    return (
        meta.app_label in TRACKED_APPS
        and meta.label_lower not in IGNORED_MODELS
        and not meta.object_name.startswith("Historical")  # django-simple-history's copies
    )


def _on_change(sender, **kwargs):
    if _tracked(sender):
        data_changed()


def _on_m2m_change(sender, instance, action, **kwargs):
    if action.startswith("post_") and _tracked(type(instance)):
        data_changed()


def connect_signals():
    post_save.connect(_on_change, dispatch_uid="pagecache-save")
    post_delete.connect(_on_change, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="pagecache-m2m")
