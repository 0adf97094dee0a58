"""Control characters (NUL first: PostgreSQL refuses it) in every URL pattern's parameters and query, and in posted
form fields: a 404 or a form error, never a server error."""

from urllib.parse import quote

import pytest
from django.urls import NoReverseMatch, reverse

from tests.security import test_permission_matrix as matrix
from tests.security.test_permission_matrix import MATRIX, log_in

# The permission matrix's users and objects, made once for the module.
shared_world = matrix.shared_world
world = matrix.world

pytestmark = pytest.mark.django_db

BAD = ["\x00", "\x01", "\x1f", "\x7f", "\n"]
ROLES = ["anonymous", "org_a_admin", "superuser"]
# Names of the fields of the project's forms (public, portal, staff), every one carrying control characters.
FIELDS = [
    "name", "mobile", "email", "consent", "title", "summary", "description", "q", "username", "password", "reason",
    "message", "comment", "place", "capacity", "starts_at", "ends_at", "kind", "community", "account-username",
    "account-email", "account-password1", "account-password2", "org-name", "org-credit_code", "org-contact_phone",
    "org-type", "role", "score_public_benefit", "attendance", "new_password1", "new_password2", "old_password",
]


def urls_with_bad_bytes(name, world):
    """The pattern's URL with each control character after each parameter (or at the end, without parameters)."""
    builder = MATRIX[name][0]
    kwargs = builder(world) if builder else {}
    url = reverse(name, kwargs=kwargs or None)
    for bad in BAD:
        if not kwargs:
            yield url + quote(bad)
        for key, value in kwargs.items():
            try:
                yield reverse(name, kwargs={**kwargs, key: f"{value}{bad}"})
            except NoReverseMatch:  # a number: the control character goes into the path all the same
                yield url.replace(f"/{value}/", f"/{value}{quote(bad)}/", 1)


def request_as(client, world, role, method, url, data=None):
    client.cookies.clear()
    if role != "anonymous":
        log_in(client, world, role)
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_control_characters_in_the_address_are_a_404(client, world, name):
    for url in urls_with_bad_bytes(name, world):
        for role in ROLES:
            response = request_as(client, world, role, "get", url)
            assert response.status_code == 404, (name, role, url, response.status_code)
    url = reverse(name, kwargs=MATRIX[name][0](world) if MATRIX[name][0] else None)
    for bad in BAD[:-1]:  # a line break may come from a pasted search term
        response = request_as(client, world, "anonymous", "get", f"{url}?q=a{quote(bad)}b&page={quote(bad)}")
        assert response.status_code == 404, (name, bad)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_control_characters_in_form_fields_never_give_a_server_error(client, world, name, settings):
    settings.THROTTLES = {}
    url = reverse(name, kwargs=MATRIX[name][0](world) if MATRIX[name][0] else None)
    for bad in ("\x00", "\x01\x7f"):
        data = {field: f"a{bad}b" for field in FIELDS}
        for role in ROLES:
            response = request_as(client, world, role, "post", url, data)
            assert response.status_code < 500, (name, role, response.status_code)


def test_the_404_page_of_a_nul_byte_is_the_sites_own(client):
    response = client.get("/projects/%00/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
    assert "<html" in response.content.decode()
