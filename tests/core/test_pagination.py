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
