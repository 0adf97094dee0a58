"""Caching keyed on the data it depends on, so that a change is visible on the next request.

A figure that costs a scan (a count over a year of events, the years of the project showcase) is cached under
a key built from `data_version()` of the models it reads: the latest `updated_at` and the row count of each.
Saving a row moves its `updated_at`, adding or deleting one moves the count, so the key changes and the next
request computes afresh; nothing has to remember to delete a cache entry. Both aggregates read an index.

A table whose rows are only ever added and removed, never changed (a many-to-many link table, a change
record), has no `updated_at`: its highest id and its count stand in.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router


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
