"""“筛选（n）”: how many filters a visitor has set (core_tags.active_filter_count)."""

import pytest
from django.http import QueryDict

from core.templatetags.core_tags import active_filter_count
from events.filters import EventFilter
from members.filters import OrganizationFilter
from members.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 0),
        ("page=3", 0),  # the page is no filter
        ("q=&org_type=", 0),  # a form sent with everything left empty
        ("q=长寿", 1),
        ("q=长寿&members_only=on&stars=3&page=2", 3),
    ],
)
def test_the_filters_in_use_are_counted(query, count):
    form = OrganizationFilter(QueryDict(query) or None, queryset=Organization.objects.all()).form
    assert active_filter_count(form) == count


def test_dates_count_once_each():
    form = EventFilter(QueryDict("date_from=2026-12-01&date_to=2026-12-31&kind=training")).form
    assert active_filter_count(form) == 3


def test_the_list_pages_show_the_count_on_their_filter_button(client):
    for url in ("/organizations/", "/projects/", "/events/", "/needs/"):
        assert "Filters (0)</summary>" in client.get(url).content.decode(), url
    page = client.get("/organizations/", {"q": "长寿", "members_only": "on"}).content.decode()
    assert "Filters (2)</summary>" in page
    assert 'href="/organizations/">Clear' in page  # and a way back to no filters
