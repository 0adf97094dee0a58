"""Pagination of the site's lists."""

from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
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


class ShownRowsMixin:
    """Deep pages that cost what the first one does: the page's rows are picked by their keys first (a subquery
    with the list's filters and order but without its annotations and joined tables), and the annotations (an
    event card's places left) and joined rows are computed for those rows only. With OFFSET, PostgreSQL computes
    the select list of every row it skips: page 150 of the events list computed 3,000 place counts to show 20."""

    def page(self, number):
        queryset = self.object_list
        if not hasattr(queryset, "values"):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = queryset.values("pk")[bottom:top]
        return self._get_page(queryset.filter(pk__in=keys), number, self)


class ShownRowsPaginator(ShownRowsMixin, ForgivingPaginator):
    """The site's lists: deep pages as cheap as the first (ShownRowsMixin), a page past the end shows the last."""


class LargeTablePaginator(ShownRowsMixin, Paginator):
    """For admin lists of large tables (a million sign-ups): an unfiltered list on PostgreSQL counts its rows from
    the planner's statistics (pg_class.reltuples, kept by autovacuum) instead of reading them all; a filtered or
    searched list, or another database, counts them, up to COUNT_LIMIT, by their keys alone (the events' place
    counts were computed for each of 2,000 rows counted). Staff see "about" figures only where it cannot matter: the
    number of pages of an unfiltered list of 1,000,000 rows. Deep pages cost what the first does (ShownRowsMixin)."""

    # A filtered or searched list counts at most this many rows: "confirmed" matches 900,000 sign-ups and a common
    # word 11,000 events, and counting them all took longer than the page. Past it, the list says "more than"
    # (templates/admin/pagination.html) and has as many pages as the limit fills; a narrower filter finds the rest.
    COUNT_LIMIT = 2000
    capped = False

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if not query.where and not query.distinct:
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate > 10_000:
                return estimate
            return super().count
        counted = queryset.order_by().values("pk")[: self.COUNT_LIMIT + 1].count()
        self.capped = counted > self.COUNT_LIMIT
        return min(counted, self.COUNT_LIMIT)


class LargeTableChangeList(ChangeList):
    """An admin list of a large table (`get_changelist`): while searching it has no date drill-down, whose first and
    last dates are read from every match (a common word in 100,000 events: 300-440 ms a query)."""

    def __init__(self, request, model, list_display, list_display_links, list_filter, date_hierarchy, *args, **kwargs):
        if request.GET.get(SEARCH_VAR, "").strip():
            date_hierarchy = None
        super().__init__(request, model, list_display, list_display_links, list_filter, date_hierarchy, *args, **kwargs)


def _estimated_rows(queryset):
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        table = queryset.model._meta.db_table
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class LargeTableAdminMixin:
    """The admin of a large table (100,000 events, 20,000 projects, 1,000,000 sign-ups): estimated or capped counts
    and deep pages that cost what the first does (LargeTablePaginator), no second count of the whole table, no date
    drill-down while searching (LargeTableChangeList), and 50 rows a page: drawing a row's cells is most of the
    list's time (100 rows of projects took 110 ms of a 150 ms page)."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return LargeTableChangeList
