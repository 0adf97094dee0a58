import pytest
from django.urls import reverse

from members.models import Community, Organization, ServiceField

from .factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    community = Community.objects.create(name="Xikang", code="X1")
    elderly = ServiceField.objects.get(code="elderly")
    a = OrganizationFactory(name="Alpha Elderly Care", star_rating=5)
    a.service_fields.add(elderly)
    a.communities.add(community)
    MembershipFactory(organization=a, status="active")
    b = OrganizationFactory(name="Beta Youth Group", org_type="social_group", star_rating=2)
    MembershipFactory(organization=b, status="applied")
    c = Organization.objects.create(
        name="Gamma Dance Team", org_type="community_team", incubation_status="incubating",
        incubating_since="2026-01-01",
    )
    return {"community": community, "elderly": elderly, "a": a, "b": b, "c": c}


def names(response):
    return {organization.name for organization in response.context["object_list"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Alpha Elderly Care", "Beta Youth Group", "Gamma Dance Team"}),
        ({"org_type": "social_group"}, {"Beta Youth Group"}),
        ({"stars": "3"}, {"Alpha Elderly Care"}),
        ({"members_only": "on"}, {"Alpha Elderly Care"}),
        ({"incubating": "on"}, {"Gamma Dance Team"}),
        ({"q": "youth"}, {"Beta Youth Group"}),
    ],
)
def test_directory_filters(client, directory, params, expected):
    assert names(client.get(reverse("members:organization-list"), params)) == expected


def test_field_and_community_filters(client, directory):
    url = reverse("members:organization-list")
    assert names(client.get(url, {"service_field": directory["elderly"].pk})) == {"Alpha Elderly Care"}
    assert names(client.get(url, {"community": directory["community"].pk})) == {"Alpha Elderly Care"}


def test_invalid_filter_values_do_not_error(client, directory):
    response = client.get(reverse("members:organization-list"), {"stars": "x", "community": "abc"})
    assert response.status_code == 200


def test_directory_paginates(client):
    for n in range(25):
        OrganizationFactory(name=f"Org {n:02d}")
    url = reverse("members:organization-list")
    assert len(client.get(url).context["object_list"]) == 20
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 5


@pytest.mark.parametrize("size", [5, 60])
def test_directory_query_count_does_not_grow(client, django_assert_num_queries, size, no_page_cache):
    field = ServiceField.objects.first()
    for n in range(size):
        organization = OrganizationFactory(name=f"Org {n:03d}")
        organization.service_fields.add(field)
        MembershipFactory(organization=organization)
    # count, page of organizations, their service fields, filter choices (fields, communities)
    with django_assert_num_queries(5):
        response = client.get(reverse("members:organization-list"), {"members_only": "on"})
    assert response.status_code == 200
