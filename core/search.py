"""Text search that an index serves on PostgreSQL, and the same results anywhere else.

`field__finds="…"` is a case-insensitive "contains", like `icontains`, which the site's search and the admin's
search boxes use. On PostgreSQL, stats/migrations/0004_search_indexes.py gives each searched column two GIN
indexes, and this lookup is written so that one of them answers:

- a term of three characters or more: `UPPER(column) LIKE UPPER('%term%')`, served by a trigram index (pg_trgm
  takes trigrams from Chinese text on a UTF-8 database);
- a term of two characters — most Chinese words — has no trigram, so a trigram index cannot narrow it down: the
  column's distinct two-character pieces (`fp_bigrams(column)`, an array) must contain the term, served by an
  array index (and the column must contain it: `strpos`, which no trigram index answers). One character still
  reads the rows (it matches a large part of them anyway).

Elsewhere (SQLite) it is `icontains`, which reads the rows.
"""

from django.db.models import CharField, Lookup, Q, TextField
from django.db.models.lookups import IContains


@CharField.register_lookup
@TextField.register_lookup
class Finds(Lookup):
    lookup_name = "finds"

    def _icontains(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sql(self, compiler, connection):
        return self._icontains(compiler, connection)

    def as_postgresql(self, compiler, connection):
        if not isinstance(self.rhs, str) or len(self.rhs) != 2:
            return self._icontains(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # strpos, not LIKE: a trigram index matches `UPPER(column) LIKE '%居民%'`, and for two characters it has no
        # trigram to look up, so it returns every row as a candidate — while the planner, estimating it selective,
        # chose it (with the pieces computed for each of 1,000,000 sign-ups: 11 s). The plain test first: where
        # no index can serve the condition (an OR with a column without pieces) the rows are read, and then the
        # costly fp_bigrams must not be computed for every one of them.
        return (
            f"(strpos(UPPER({lhs}::text), UPPER(%s)) > 0 AND fp_bigrams({lhs}) @> ARRAY[UPPER(%s)])",
            [*lhs_params, self.rhs, *lhs_params, self.rhs],
        )


def finds(fields, term):
    """A Q that some of `fields` contain `term` (the lookup above)."""
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__finds": term})
    return query


def clean_term(term):
    """The term as searched: PostgreSQL refuses NUL characters, and spaces around it mean nothing."""
    return (term or "").replace("\x00", "").strip()


def best_first(queryset, term, first, rest, limit):
    """Up to `limit` rows that contain `term`: those with it in a `first` field (a title, a name) before those with
    it only elsewhere (`rest`: a Q), each group in the queryset's order. Two queries that each stop after `limit`
    rows, rather than one that ranks every match: a common word matches tens of thousands."""
    top = list(queryset.filter(finds(first, term))[:limit])
    if len(top) < limit:
        top += list(queryset.filter(rest).exclude(pk__in=[row.pk for row in top])[: limit - len(top)])
    return top


class QuerySetSearchAdminMixin:
    """An admin list whose search box asks the model's own `search(term)` (a QuerySet method: the site's search,
    whose organizations are looked up first) instead of one OR across the joined organization's name, which no index
    can serve: a two-character word in the events' admin took 300 ms. `search_fields` names what is searched and
    shows the box."""

    def get_search_results(self, request, queryset, search_term):
        if not clean_term(search_term):
            return queryset, False
        return queryset.search(search_term), False
