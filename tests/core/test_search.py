"""Search (core.search): the same results as a plain "contains" on every database, names and titles first, and on
PostgreSQL from an index for Chinese words of two characters and more (stats/migrations/0004_search_indexes.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.search import best_first, finds
from events.models import Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    return [
        EventFactory(title="便民理发", description="为老人服务"),
        EventFactory(title="手工课堂", description="剪纸和理发知识"),
        EventFactory(title="健康讲座", description="高血压", place="长寿路理发店旁"),
        EventFactory(title="Tai Chi", description="morning exercise"),
    ]


@pytest.mark.parametrize(
    ("term", "expected"),
    [("理发", {0, 1, 2}), ("便民理发", {0}), ("理", {0, 1, 2}), ("tai chi", {3}), ("tA", {3}), ("长寿路", {2}),
     ("龙虾", set()), ("%", set())],
)
def test_finds_what_contains_the_term_whatever_its_length(events, term, expected):
    found = set(Event.objects.filter(finds(["title", "description", "place"], term)).values_list("pk", flat=True))
    assert found == {events[n].pk for n in expected}


def test_titles_come_first(events):
    ranked = best_first(
        Event.objects.order_by("-pk"), "理发", ["title"], finds(["title", "description", "place"], "理发"), 10
    )
    assert ranked[0] == events[0]
    assert set(ranked[1:]) == {events[1], events[2]}


def test_the_site_search_lists_title_matches_first(client, events):
    page = client.get(reverse("search"), {"q": "理发"}).content.decode()
    assert page.index("便民理发") < page.index("手工课堂") and page.index("便民理发") < page.index("健康讲座")


def test_the_admin_search_uses_it(client, staff_user, events):
    client.force_login(staff_user)
    response = client.get(reverse("admin:events_event_changelist"), {"q": "理发"})
    assert {event.pk for event in response.context["cl"].result_list} == {events[0].pk, events[1].pk, events[2].pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_on_postgresql_two_characters_ask_the_bigram_index_and_more_the_trigram_one(events):
    with CaptureQueriesContext(connection) as two:
        list(Event.objects.filter(title__finds="理发"))
    with CaptureQueriesContext(connection) as three:
        list(Event.objects.filter(title__finds="便民理发"))
    assert "fp_bigrams" in two[0]["sql"]
    # Not a LIKE, which a trigram index would offer to answer and, having no trigram of two characters, answer
    # with every row.
    assert "LIKE" not in two[0]["sql"]
    assert "LIKE" in three[0]["sql"] and "fp_bigrams" not in three[0]["sql"]


def test_the_admin_search_of_events_and_projects_finds_the_organizers_name(client, staff_user):
    """core.search.QuerySetSearchAdminMixin: the model's own search (organizers looked up first), and projects'
    addresses too."""
    from tests.members.factories import OrganizationFactory
    from tests.projects.factories import ProjectFactory

    barber = OrganizationFactory(name="爱心理发社")
    event = EventFactory(title="健康讲座", organization=barber)
    EventFactory(title="手工课堂")
    project = ProjectFactory(title="社区花园", organization=barber)
    other = ProjectFactory(title="读书会", slug="reading-club")
    client.force_login(staff_user)

    def found(admin, term):
        response = client.get(reverse(f"admin:{admin}_changelist"), {"q": term})
        return {row.pk for row in response.context["cl"].result_list}

    assert found("events_event", "理发社") == {event.pk}
    assert found("projects_project", "理发社") == {project.pk}
    assert found("projects_project", "reading-club") == {other.pk}
    assert found("projects_project", "花园") == {project.pk}


def test_a_searched_admin_list_counts_its_rows_without_their_place_counts(client, staff_user, events):
    """core.pagination.LargeTablePaginator counts by keys: the events' place counts are not computed for each row."""
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:events_event_changelist"), {"q": "理发"})
    counts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert counts and not any("events_registration" in sql for sql in counts)
    assert response.context["cl"].result_count == 3
