"""Random and boundary input to every public and portal form and filter: never a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation_portal.middleware import CONTROL_IN_QUERY
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# Text that hurts: control characters, surrogates are excluded (not valid in UTF-8 forms), very long strings,
# SQL and HTML fragments, numbers at the edges of integer types.
nasty_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e309", "NaN", "' OR 1=1 --", "<script>x</script>",
                     "%00", "\x00", "../../etc/passwd", "长" * 5000, "😀" * 50, "2026-02-30", "null"]),
)
HYPOTHESIS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def fields_from(names):
    return st.fixed_dictionaries({name: nasty_text for name in names})


FILTER_PARAMS = ["q", "org_type", "service_field", "community", "stars", "members_only", "incubating", "page"]


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    """The fuzzer posts hundreds of times from one address; the throttles are tested in test_throttling.py."""
    settings.THROTTLES = {}


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        organization = OrganizationFactory(name="Hostile Org")
        MembershipFactory(organization=organization)
        user = OrganizationAccountFactory(organization=organization, role="admin").user
        yield {"organization": organization, "user": user}
        organization.delete()
        user.delete()


@HYPOTHESIS
@given(params=fields_from(FILTER_PARAMS))
def test_directory_filters_never_fail(client, params):
    response = client.get(reverse("members:organization-list"), params)
    assert response.status_code in (200, 404)


@HYPOTHESIS
@given(query=nasty_text)
def test_search_never_fails(client, query):
    # A control character (but tab and line breaks) in an address is a 404 (federation_portal.middleware).
    expected = 404 if CONTROL_IN_QUERY.search(query) else 200
    assert client.get(reverse("search"), {"q": query}).status_code == expected


JOIN_FIELDS = [
    "account-full_name", "account-email", "account-password1", "account-password2", "org-name", "org-org_type",
    "org-credit_code", "org-founded_on", "org-registration_authority", "org-service_fields", "org-communities",
    "org-address", "org-contact_person", "org-contact_phone", "org-email", "org-summary", "org-application_note",
]


@HYPOTHESIS
@given(data=fields_from(JOIN_FIELDS))
def test_join_form_never_fails(client, data):
    response = client.post(reverse("members:join"), data)
    assert response.status_code in (200, 302)


PROFILE_FIELDS = [
    "name", "org_type", "credit_code", "founded_on", "registration_authority", "service_fields", "communities",
    "address", "contact_person", "contact_phone", "email", "website", "summary", "description", "government_funded",
    "has_party_organization",
]


@HYPOTHESIS
@given(data=fields_from(PROFILE_FIELDS))
def test_profile_form_never_fails(client, hostile_world, data):
    client.force_login(hostile_world["user"])
    response = client.post(reverse("members:manage-profile"), data)
    assert response.status_code in (200, 302)


@HYPOTHESIS
@given(data=fields_from(["email", "role"]))
def test_invite_form_never_fails(client, hostile_world, data):
    client.force_login(hostile_world["user"])
    response = client.post(reverse("members:manage-invite"), data)
    assert response.status_code in (200, 302)


@HYPOTHESIS
@given(data=fields_from(["username", "password"]))
def test_login_form_never_fails(client, data):
    assert client.post(reverse("login"), data).status_code in (200, 302)
