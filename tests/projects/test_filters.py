from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.filters import NeedFilter, ProjectFilter
from projects.models import CommunityNeed, Project
from tests.members.factories import CommunityFactory, OrganizationFactory

from .factories import CommunityNeedFactory, ProjectFactory, PublicProjectFactory

pytestmark = pytest.mark.django_db


def titles(data):
    filterset = ProjectFilter(data, queryset=Project.objects.showcase())
    assert filterset.is_valid(), filterset.errors
    return [project.title for project in filterset.qs]


@pytest.fixture
def showcase():
    east, west = CommunityFactory(name="East"), CommunityFactory(name="West")
    fridge = OrganizationFactory(name="Food Bank")
    PublicProjectFactory(
        title="Shared fridge", organization=fridge, service_field="poverty_food", communities=[east, west],
        funding_source="charity", starts_on=date(2016, 9, 1), is_brand=True,
    )
    PublicProjectFactory(
        title="Ethnic school", service_field="children_youth", communities=[east], funding_source="mixed",
        starts_on=date(2017, 3, 5), is_selected=True,
    )
    PublicProjectFactory(
        title="City appearance", service_field="environment", communities=[west],
        funding_source="government_purchase", starts_on=date(2017, 3, 1), state=Project.State.COMPLETED,
    )
    ProjectFactory(title="Secret draft", service_field="poverty_food", communities=[east])
    return {"east": east, "west": west}


def test_no_filter_shows_every_public_project_brand_first(showcase):
    assert titles({}) == ["Shared fridge", "Ethnic school", "City appearance"]


def test_service_field(showcase):
    assert titles({"service_field": "poverty_food"}) == ["Shared fridge"]


def test_community_without_duplicates(showcase):
    assert titles({"community": showcase["east"].pk}) == ["Shared fridge", "Ethnic school"]
    assert titles({"community": showcase["west"].pk}) == ["Shared fridge", "City appearance"]


def test_funding_source(showcase):
    assert titles({"funding_source": "government_purchase"}) == ["City appearance"]


def test_state_offers_public_states_only(showcase):
    assert titles({"state": "completed"}) == ["City appearance"]
    assert not ProjectFilter({"state": "draft"}, queryset=Project.objects.showcase()).is_valid()


def test_brand_and_selected(showcase):
    assert titles({"mark": "brand"}) == ["Shared fridge"]
    assert titles({"mark": "selected"}) == ["Ethnic school"]


def test_year_choices_come_from_public_projects(showcase):
    filterset = ProjectFilter({}, queryset=Project.objects.showcase())
    assert [value for value, label in filterset.form.fields["year"].choices if value] == [2017, 2016]
    assert titles({"year": "2017"}) == ["Ethnic school", "City appearance"]


def test_search_matches_title_summary_and_organization(showcase):
    assert titles({"q": "fridge"}) == ["Shared fridge"]
    assert titles({"q": "food bank"}) == ["Shared fridge"]
    assert titles({"q": "Secret"}) == []


def test_filters_combine(showcase):
    assert titles({"community": showcase["east"].pk, "year": "2017"}) == ["Ethnic school"]


def test_need_filters():
    east = CommunityFactory(name="East")
    CommunityNeedFactory(title="Visits", community=east)
    CommunityNeedFactory(title="Parcels", state=CommunityNeed.State.MATCHED, service_field="poverty_food")
    queryset = CommunityNeed.objects.for_board()
    assert [n.title for n in NeedFilter({"state": "matched"}, queryset=queryset).qs] == ["Parcels"]
    assert [n.title for n in NeedFilter({"community": east.pk}, queryset=queryset).qs] == ["Visits"]
    assert [n.title for n in NeedFilter({"service_field": "poverty_food"}, queryset=queryset).qs] == ["Parcels"]
    # open needs come first
    assert [n.title for n in NeedFilter({}, queryset=queryset).qs] == ["Visits", "Parcels"]


# Hostile input: the public filters never answer with a server error.

nasty_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "1e309", "NaN", "²", "' OR 1=1 --", "\x00", "长" * 3000]),
)
HOSTILE = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@HOSTILE
@given(params=st.fixed_dictionaries(
    {name: nasty_text for name in ["q", "service_field", "community", "funding_source", "state", "mark", "year",
                                   "page"]}
))
def test_showcase_filters_never_fail(client, params):
    assert client.get(reverse("projects:list"), params).status_code in (200, 404)


@HOSTILE
@given(params=st.fixed_dictionaries({name: nasty_text for name in ["state", "community", "service_field", "page"]}))
def test_needs_filters_never_fail(client, params):
    assert client.get(reverse("projects:needs"), params).status_code in (200, 404)
