"""An out-of-range page number shows the last page (or the first) on every paginated list, never a 404."""

import pytest
from django.core.paginator import PageNotAnInteger
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.list import MultipleObjectMixin

from core.pagination import ForgivingPaginator


def test_the_paginator_clamps_page_numbers_into_range():
    paginator = ForgivingPaginator(list(range(45)), 20)
    assert [paginator.page(number).number for number in (1, 3, 4, 99, 0, -5, "99")] == [1, 3, 3, 3, 1, 1, 3]
    assert list(paginator.page(99).object_list) == [40, 41, 42, 43, 44]
    assert ForgivingPaginator([], 20).page(99).number == 1  # an empty list has its one empty page
    with pytest.raises(PageNotAnInteger):
        paginator.page("abc")


def view_classes(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from view_classes(entry)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "view_class"):
            yield entry.callback.view_class


def test_every_paginated_list_uses_the_forgiving_paginator():
    paginated = {view for view in view_classes() if issubclass(view, MultipleObjectMixin) and view.paginate_by}
    assert len(paginated) >= 10
    assert [view.__name__ for view in paginated if not issubclass(view.paginator_class, ForgivingPaginator)] == []


@pytest.mark.django_db
def test_page_99_of_the_event_list_shows_its_last_page(client, no_page_cache):
    from tests.events.factories import EventFactory

    EventFactory.create_batch(21)  # 20 a page: two pages
    response = client.get(reverse("events:list"), {"page": 99})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["object_list"]) == 1
    assert 'aria-current="page">2<' in response.content.decode()
    assert client.get(reverse("events:list"), {"page": 0}).context["page_obj"].number == 1
    assert client.get(reverse("events:list"), {"page": "abc"}).status_code == 404  # not a number at all


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["projects:list", "projects:needs", "members:organization-list", "events:list"])
def test_page_99_of_an_empty_public_list_is_its_first_page(client, name, no_page_cache):
    response = client.get(reverse(name), {"page": 99})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


@pytest.mark.django_db
def test_page_99_of_a_portal_list_is_its_last_page(client, org_user):
    from core.models import Notification

    Notification.objects.bulk_create(
        [Notification(recipient=org_user, kind="test", subject=f"Notice {n}", body="") for n in range(25)]
    )
    client.force_login(org_user)
    response = client.get(reverse("members:inbox"), {"page": 99})
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["paginator"].num_pages


@pytest.mark.django_db
def test_an_unfiltered_list_of_a_large_table_is_counted_from_the_statistics(monkeypatch):
    from core import pagination
    from events.models import Registration
    from tests.events.factories import RegistrationFactory

    RegistrationFactory()
    monkeypatch.setattr(pagination, "_estimated_rows", lambda queryset: 1_000_000)
    assert pagination.LargeTablePaginator(Registration.objects.order_by("-pk"), 100).count == 1_000_000
    filtered = Registration.objects.filter(status="confirmed").order_by("-pk")
    assert pagination.LargeTablePaginator(filtered, 100).count == 1  # a filtered list is counted
    monkeypatch.setattr(pagination, "_estimated_rows", lambda queryset: None)  # SQLite: no statistics
    assert pagination.LargeTablePaginator(Registration.objects.order_by("-pk"), 100).count == 1


@pytest.mark.django_db
def test_deep_pages_pick_their_rows_first_and_count_places_for_those_only(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.pagination import ShownRowsPaginator
    from events.models import Event
    from tests.events.factories import EventFactory, RegistrationFactory

    events = EventFactory.create_batch(7)
    RegistrationFactory(event=events[4])
    queryset = Event.objects.for_cards()
    for number in (1, 2, 3, 99):
        plain = ForgivingPaginator(queryset, 3).page(number)
        shown = ShownRowsPaginator(queryset, 3).page(number)
        assert shown.number == plain.number
        assert [(e.pk, e.taken_count) for e in shown.object_list] == [(e.pk, e.taken_count) for e in plain]
    assert sum(event.taken_count for page in (1, 2, 3) for event in ShownRowsPaginator(queryset, 3).page(page)) == 1
    with CaptureQueriesContext(connection) as captured:
        list(ShownRowsPaginator(queryset, 3).page(2).object_list)
    page_query = captured.captured_queries[-1]["sql"]
    # The place counts (subqueries on the sign-ups) are outside the subquery that skips the first page's rows.
    before, inner = page_query.split("IN (SELECT", 1)
    assert "events_registration" in before and "OFFSET" in inner.upper() and "events_registration" not in inner


@pytest.mark.django_db
def test_a_filtered_list_of_a_large_table_counts_up_to_its_limit_and_says_more_than(
    client, staff_user, monkeypatch
):
    from core import pagination
    from events.models import Registration
    from tests.events.factories import RegistrationFactory

    monkeypatch.setattr(pagination.LargeTablePaginator, "COUNT_LIMIT", 2)
    RegistrationFactory.create_batch(3, name="王居民")
    filtered = pagination.LargeTablePaginator(Registration.objects.filter(name="王居民").order_by("-pk"), 1)
    assert (filtered.count, filtered.capped, filtered.num_pages) == (2, True, 2)
    exact = pagination.LargeTablePaginator(Registration.objects.filter(pk__lte=0).order_by("-pk"), 1)
    assert (exact.count, exact.capped) == (0, False)
    client.force_login(staff_user)
    response = client.get(reverse("admin:events_registration_changelist"), {"q": "居民"})
    page = response.content.decode()
    assert response.context["cl"].paginator.capped and "more than 2 results" in page and "more than 2 " in page
    # Searching the events has no date drill-down (it would read the first and last date of every match).
    assert response.status_code == 200
    events = client.get(reverse("admin:events_event_changelist"), {"q": "居民"}).context["cl"]
    assert events.date_hierarchy is None
    assert client.get(reverse("admin:events_event_changelist")).context["cl"].date_hierarchy == "starts_at"
    projects = client.get(reverse("admin:projects_project_changelist"), {"q": "居民"}).context["cl"]
    assert projects.date_hierarchy is None and isinstance(projects.paginator, pagination.LargeTablePaginator)
