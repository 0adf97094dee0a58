"""Sign-up lists that hold at any size: the organizer's event page shows 50 a page with a search, the admin's event
page links to the sign-ups instead of listing them inline, and the export is streamed. An event with thousands of
sign-ups costs the same queries as one with a few."""

import pytest
from django.urls import reverse

from events.models import Event, Registration
from tests.events.factories import RegistrationFactory, happening_now

pytestmark = pytest.mark.django_db


def _sign_ups(event, count, start=0):
    Registration.objects.bulk_create(
        Registration(event=event, name=f"Resident {n}", mobile=f"138{n:08d}", consent=True)
        for n in range(start, start + count)
    )


@pytest.fixture
def event(org):
    return happening_now(organization=org, capacity=10_000)  # inside its check-in window


@pytest.mark.parametrize("count", [3, 120])
def test_the_organizers_event_page_costs_the_same_with_many_sign_ups(
    client, org_user, event, django_assert_num_queries, count
):
    _sign_ups(event, count)
    client.force_login(org_user)
    url = reverse("events:manage-detail", args=[event.pk])
    client.get(url)
    with django_assert_num_queries(13):  # the header asks whether the user reviews a call; one access-log row; ratings
        page = client.get(url)
    rows = page.content.decode().count('id="registration-')
    assert rows == min(count, 50)


def test_the_organizers_event_page_shows_50_a_page(client, org_user, event):
    _sign_ups(event, 120)
    client.force_login(org_user)
    url = reverse("events:manage-detail", args=[event.pk])
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('id="registration-') == 20
    assert "Resident 119" in last and "Resident 0<" not in last
    assert "Page 3 of 3, 120 in all" in last


@pytest.mark.parametrize(
    ("query", "found"),
    [("0042", ["Resident 42"]), ("Resident 10", ["Resident 10", "Resident 100", "Resident 101"]), ("", None)],
)
def test_the_organizer_finds_a_sign_up_by_mobile_digits_or_name(client, org_user, event, query, found):
    _sign_ups(event, 102)
    client.force_login(org_user)
    page = client.get(reverse("events:manage-detail", args=[event.pk]), {"q": query}).content.decode()
    if found is None:
        assert page.count('id="registration-') == 50
        return
    assert page.count('id="registration-') == len(found)
    for name in found:
        assert f"{name}<" in page


def test_the_organizer_finds_a_sign_up_by_its_code(client, org_user, event):
    _sign_ups(event, 5)
    wanted = event.registrations.get(name="Resident 3")
    client.force_login(org_user)
    url = reverse("events:manage-detail", args=[event.pk])
    for code in (wanted.short_code, f"#{wanted.pk}"):
        page = client.get(url, {"q": code}).content.decode()
        assert page.count('id="registration-') == 1 and "Resident 3<" in page
    assert "No sign-up matches this search." in client.get(url, {"q": "Nobody"}).content.decode()


def test_an_action_returns_to_the_page_and_search_the_organizer_was_on(client, org_user, event):
    _sign_ups(event, 60)
    registration = event.registrations.get(name="Resident 55")
    client.force_login(org_user)
    page = reverse("events:manage-detail", args=[event.pk])
    response = client.post(
        reverse("events:manage-registration-action", args=[event.pk, registration.pk, "check-in"]),
        HTTP_REFERER=f"http://testserver{page}?q=Resident+5&page=1",
    )
    assert response.url == f"{page}?q=Resident+5&page=1#registration-{registration.pk}"
    assert Registration.objects.get(pk=registration.pk).has_attended


def test_the_export_is_streamed_row_by_row(client, org_user, event):
    _sign_ups(event, 30)
    client.force_login(org_user)
    response = client.get(reverse("events:manage-export", args=[event.pk, "csv"]))
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffName,Mobile number")
    assert text.count("\r\n") == 31 and "Resident 29,13800000029" in text


@pytest.mark.parametrize("count", [3, 120])
def test_the_admin_event_page_costs_the_same_with_many_sign_ups(
    client, staff_user, event, django_assert_num_queries, count
):
    _sign_ups(event, count)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    client.force_login(staff_user)
    url = reverse("admin:events_event_change", args=[event.pk])
    client.get(url)
    with django_assert_num_queries(9):  # with the report and the ratings
        page = client.get(url)
    content = page.content.decode()
    assert "Resident 1<" not in content  # no names in an inline list
    assert f"{count} of 10000 places taken, 1 waiting, 0 cancelled" in content
    changelist = reverse("admin:events_registration_changelist") + f"?event__id__exact={event.pk}"
    assert f'href="{changelist}"' in content
    listed = client.get(changelist)
    assert listed.status_code == 200 and listed.context["cl"].result_count == count + 1


def test_staff_who_may_not_see_sign_ups_get_the_counts_without_the_link(client, event, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("events-only", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_event", "change_event"]))
    _sign_ups(event, 2)
    client.force_login(user)
    content = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "2 of 10000 places taken" in content
    assert "registration/?event__id__exact" not in content


def test_the_admin_history_inline_lists_the_events_own_changes_only(client, staff_user, event):
    from events import services

    _sign_ups(event, 2)
    for registration in event.registrations.all():
        services.check_in_registration(registration, acting_user=staff_user)
    Event.objects.filter(pk=event.pk).update(title="Renamed")
    client.force_login(staff_user)
    page = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert page.status_code == 200
    formset = next(f for f in page.context["inline_admin_formsets"] if f.opts.model.__name__ == "EventChange")
    assert all(form.instance.registration_id is None for form in formset.formset.forms)
