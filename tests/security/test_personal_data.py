"""Personal data: masked mobiles, no-store caching of private pages, consent recorded, audited exports."""

import pytest
from django.urls import reverse

from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


@pytest.fixture
def registration(org):
    event = EventFactory(organization=org)
    return RegistrationFactory(event=event, mobile=MOBILE, name="张阿姨")


def test_full_mobile_only_on_the_organizers_own_event_page(client, registration, org_user, other_org_user):
    event = registration.event
    public_pages = [reverse("events:detail", args=[event.pk]), reverse("events:list"), reverse("home")]
    for url in public_pages:
        content = client.get(url).content.decode()
        assert MOBILE not in content
    # The resident's own private page shows it masked.
    content = client.get(registration.get_absolute_url()).content.decode()
    assert MOBILE not in content and "138****5678" in content
    client.force_login(org_user)
    assert MOBILE in client.get(reverse("events:manage-detail", args=[event.pk])).content.decode()
    listing = client.get(reverse("events:manage-registrations")).content.decode()
    assert MOBILE not in listing and "138****5678" in listing
    client.force_login(other_org_user)
    assert client.get(reverse("events:manage-detail", args=[event.pk])).status_code == 404


def test_private_pages_are_not_cached(client, registration, org_user):
    response = client.get(registration.get_absolute_url())
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.force_login(org_user)
    response = client.get(reverse("events:manage-detail", args=[registration.event.pk]))
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_anonymous_visitors_may_be_cached(client, registration):
    response = client.get(reverse("events:list"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_sign_up_records_consent_and_refuses_without_it(client):
    event = EventFactory(capacity=5)
    url = reverse("events:sign-up", args=[event.pk])
    client.post(url, {"name": "李", "mobile": "13900001111"})
    assert event.registrations.count() == 0
    client.post(url, {"name": "李", "mobile": "13900001111", "consent": "on"})
    assert event.registrations.get().consent is True


def test_exports_and_reveals_of_personal_data_are_audited(client, registration, org_user, staff_user):
    from members.models import PersonalDataAccess

    client.force_login(org_user)
    client.get(reverse("events:manage-detail", args=[registration.event.pk]))
    client.get(reverse("events:manage-export", args=[registration.event.pk, "csv"]))
    client.force_login(staff_user)
    client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    log = list(PersonalDataAccess.objects.order_by("at", "pk").values_list("user", "action", "records"))
    assert log == [(org_user.pk, "view", 0), (org_user.pk, "export", 1), (staff_user.pk, "view", 1)]
    # The log itself holds no personal data.
    assert not PersonalDataAccess.objects.filter(subject__contains=MOBILE).exists()
    assert not PersonalDataAccess.objects.filter(subject__contains="张阿姨").exists()
