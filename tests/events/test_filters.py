from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.filters import EventFilter
from events.models import Event
from tests.events.factories import EventFactory
from tests.members.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def filtered(**data):
    return list(EventFilter(data, queryset=Event.objects.listed().order_by("starts_at")).qs)


def test_without_dates_only_upcoming_events():
    upcoming = EventFactory()
    EventFactory(starts_at=timezone.now() - timedelta(days=5), state=Event.State.COMPLETED)
    assert filtered() == [upcoming]
    assert list(EventFilter(None, queryset=Event.objects.listed()).qs) == [upcoming]


def test_by_kind_community_and_organizer(org, other_org):
    community = CommunityFactory()
    training = EventFactory(organization=org, kind=Event.Kind.TRAINING)
    local = EventFactory(organization=other_org, community=community)
    assert filtered(kind="training") == [training]
    assert filtered(community=str(community.pk)) == [local]
    assert filtered(organization=str(other_org.pk)) == [local]


def test_by_date_range_in_shanghai_time():
    now = timezone.now()
    last_week = EventFactory(starts_at=now - timedelta(days=7), state=Event.State.COMPLETED)
    next_week = EventFactory(starts_at=now + timedelta(days=7))
    later = EventFactory(starts_at=now + timedelta(days=40))
    start = timezone.localdate(last_week.starts_at).isoformat()
    end = timezone.localdate(next_week.starts_at).isoformat()
    assert filtered(date_from=start, date_to=end) == [last_week, next_week]
    assert later in filtered(date_from=start)


def test_search_matches_title_and_place():
    event = EventFactory(title="Shared fridge day", place="Changshou Road 1")
    EventFactory(title="Other")
    assert filtered(q="fridge") == [event]
    assert filtered(q="Changshou Road") == [event]


def test_organizer_choices_are_organizations_with_public_events(org, other_org):
    EventFactory(organization=org)
    EventFactory(organization=other_org, state=Event.State.DRAFT)
    choices = [value for value, _label in EventFilter({}).form.fields["organization"].widget.choices if value]
    assert choices == [org.pk]


def test_search_ignores_nul_characters():
    event = EventFactory(title="Shared fridge day")
    assert list(Event.objects.search("fri\x00dge")) == [event]


def test_organizer_drop_down_gives_way_to_search_in_a_city(client, monkeypatch, no_page_cache):
    first, second = EventFactory(title="Tai chi"), EventFactory(title="Paper cutting")
    response = client.get(reverse("events:list"))
    assert f'<option value="{first.organization.pk}">' in response.content.decode()
    monkeypatch.setattr(EventFilter, "ORGANIZER_CHOICES_LIMIT", 1)
    response = client.get(reverse("events:list"))
    assert f'<option value="{first.organization.pk}">' not in response.content.decode()
    response = client.get(reverse("events:list"), {"organization": second.organization.pk})
    assert list(response.context["object_list"]) == [second]
    response = client.get(reverse("events:list"), {"q": first.organization.name})
    assert list(response.context["object_list"]) == [first]
