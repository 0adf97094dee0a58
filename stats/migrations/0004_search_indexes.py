"""Indexed search on PostgreSQL (core.search): for each column that the site's search and the admin's search boxes
look in, a trigram (pg_trgm) GIN index on UPPER(column), which serves `LIKE '%term%'` for terms of three characters
or more (pg_trgm takes its trigrams from Chinese text too on a UTF-8 database), and a GIN index on the column's
two-character pieces (`fp_bigrams`), which serves two-character terms — most Chinese words — that have no trigram.

In this app because it sits above members, projects and events, whose tables get the indexes: their own
migrations stay theirs. Nothing happens on SQLite (a laptop's demo), where the search reads the rows.
"""

from django.db import migrations

# (table, column): what core search methods and admin search_fields look in.
COLUMNS = [
    ("members_organization", "name"),
    ("members_organization", "summary"),
    ("projects_project", "title"),
    ("projects_project", "summary"),
    ("projects_communityneed", "title"),
    ("projects_communityneed", "description"),
    ("events_event", "title"),
    ("events_event", "description"),
    ("events_event", "place"),
    ("events_registration", "name"),
    ("events_registration", "mobile"),
]

# Nobody looks for two digits of a mobile: its trigram index is enough (and a sign-up writes one index less).
DIGITS_ONLY = {("events_registration", "mobile")}


def index_name(table, column, kind="trgm"):
    return f"{table}_{column}_{kind}"


# The distinct two-character pieces of a text, upper-cased: core.search's lookup for two-character terms. Its COST
# tells the planner that computing it row by row is dear (the index holds it computed): without it, a rare word
# was looked for by walking 100,000 events (4.8 s) instead of asking the index (0.1 ms).
BIGRAMS = """
CREATE OR REPLACE FUNCTION fp_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper(value), i, 2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS i
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(BIGRAMS)
    for table, column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name(table, column)}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
        if (table, column) not in DIGITS_ONLY:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{index_name(table, column, "bigrams")}" ON "{table}" '
                f'USING gin (fp_bigrams("{column}"::text))'
            )
    for table in dict(COLUMNS):
        schema_editor.execute(f'ANALYZE "{table}"')  # statistics of the index expressions: how rare a word is


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column)}"')
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column, "bigrams")}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS fp_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0003_staff_group_outbox"),
        ("members", "0010_ledger_checks"),
        ("projects", "0005_project_funding_within_budget"),
        ("events", "0011_lookup_codes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
