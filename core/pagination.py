"""Pagination of the site's lists."""

from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.utils.functional import cached_property


class ForgivingPaginator(Paginator):
    """A page number past the end shows the last page (and one below 1 the first), instead of a 404: a link to
    page 9 of a list that has shrunk to 3 pages still shows something. Every paginated list uses it
    (`paginator_class`). A page "number" that is not a number stays a 404."""

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            return self.num_pages if int(number) > 1 else 1


class LargeTablePaginator(Paginator):
    """For admin lists of large tables (a million sign-ups): an unfiltered list on PostgreSQL counts its rows from
    the planner's statistics (pg_class.reltuples, kept by autovacuum) instead of reading them all; a filtered or
    searched list, or another database, counts them. Staff see "about" figures only where it cannot matter: the
    number of pages of an unfiltered list of 1,000,000 rows."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate > 10_000:
                return estimate
        return super().count


def _estimated_rows(queryset):
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        table = queryset.model._meta.db_table
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None
