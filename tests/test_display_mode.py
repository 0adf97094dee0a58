"""The 长辈版 (elder mode, federation_portal/display.py): the header's link sets a cookie and returns to the page;
pages carry the mode on <html>; the page cache keeps the two versions of a page apart."""

import pytest
from django.urls import reverse

from tests.members.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ELDER_HTML = ' class="elder">\n<head>'  # on <html>


def switch(client, mode, next_url="/"):
    return client.get(reverse("switch-display", args=[mode]), {"next": next_url})


def test_the_elder_link_sets_the_cookie_and_returns_to_the_same_page(client, settings):
    response = switch(client, "elder", "/events/?page=2&kind=training")
    assert response.status_code == 302 and response.url == "/events/?page=2&kind=training"
    cookie = response.cookies[settings.DISPLAY_MODE_COOKIE_NAME]
    assert cookie.value == "elder"
    assert cookie["max-age"] == settings.DISPLAY_MODE_COOKIE_AGE
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "no-cache" in response["Cache-Control"]  # never a cached redirect without the cookie
    page = client.get("/about/").content.decode()
    assert ELDER_HTML in page
    # the header now offers the way back, to the same page
    back = reverse("switch-display", args=["standard"]) + "?next=/about/"
    assert f'href="{back}"' in page and reverse("switch-display", args=["elder"]) not in page


def test_the_standard_link_removes_the_cookie(client, settings):
    switch(client, "elder")
    response = switch(client, "standard", "/about/")
    assert response.status_code == 302 and response.url == "/about/"
    assert response.cookies[settings.DISPLAY_MODE_COOKIE_NAME]["max-age"] == 0
    page = client.get("/about/").content.decode()
    assert 'class="elder"' not in page
    assert reverse("switch-display", args=["elder"]) + "?next=/about/" in page


def test_the_link_is_in_the_header_of_every_kind_of_page(client, org_user):
    for url in ("/", reverse("members:organization-list"), reverse("login"), "/no-such-page/"):
        page = client.get(url).content.decode()
        assert 'class="btn btn-outline-danger display-switch"' in page, url
    client.force_login(org_user)
    assert "display-switch" in client.get(reverse("members:portal")).content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_link_stays_on_this_site(client, next_url):
    assert switch(client, "elder", next_url).url == "/"


def test_only_the_two_modes_exist(client):
    assert client.get(reverse("switch-display", args=["large"])).status_code == 404


def test_any_other_cookie_value_is_the_standard_version(client, settings):
    client.cookies[settings.DISPLAY_MODE_COOKIE_NAME] = "ELDER"
    assert 'class="elder"' not in client.get("/about/").content.decode()


def test_the_page_cache_keeps_the_two_versions_apart(client, settings, django_assert_num_queries):
    settings.SHARED_CACHE = True
    OrganizationFactory(name="Silver Classroom")
    url = reverse("members:organization-list")
    first = client.get(url)
    standard = first.content.decode()
    with django_assert_num_queries(0):
        assert client.get(url).content.decode() == standard  # now from the cache
    client.cookies[settings.DISPLAY_MODE_COOKIE_NAME] = "elder"
    elder = client.get(url)  # not the standard page of the cache
    assert ELDER_HTML in elder.content.decode() and "Silver Classroom" in elder.content.decode()
    assert elder["ETag"] != first["ETag"] and "Cookie" in elder["Vary"]
    with django_assert_num_queries(0):
        assert client.get(url).content == elder.content  # the elder version is kept too
    del client.cookies[settings.DISPLAY_MODE_COOKIE_NAME]
    with django_assert_num_queries(0):
        assert client.get(url).content.decode() == standard
    assert ELDER_HTML not in standard
