"""Personal data: masked mobiles, no-store caching of private pages, consent recorded, audited exports."""

import json
from datetime import timedelta

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


def rows_naming(text):
    """Every row of every table that holds `text` in a text column (JSON columns hold it escaped)."""
    from django.apps import apps
    from django.db import models
    from django.db.models import Q
    from django.db.models.functions import Cast

    escaped = json.dumps(text)[1:-1]
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        query, annotations = Q(), {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                annotations[f"_{field.column}_text"] = Cast(field.name, models.TextField())
                query |= Q(**{f"_{field.column}_text__contains": escaped})
            elif isinstance(field, (models.CharField, models.TextField)):
                query |= Q(**{f"{field.name}__contains": text}) | Q(**{f"{field.name}__contains": escaped})
        if query and model._default_manager.annotate(**annotations).filter(query).exists():
            found.append(model._meta.label)
    return found


@pytest.mark.clock(2026, 3, 2, 10, 0)
def test_the_purge_leaves_no_trace_of_a_resident_s_name(client, clock, settings, staff_user):
    """A sign-up corrected in the admin is named in the admin's action log ("Recent actions") and in the
    messages sent to the resident; once the retention period is over, the purge erases the name everywhere."""
    from django.contrib.admin.models import LogEntry

    from events import services

    event = EventFactory()  # next week
    registration = services.register_for_event(
        event, name="欧阳小芳", mobile="13912345678", email="xf@example.org", consent=True
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:events_registration_change", args=[registration.pk]),
        {"name": "欧阳晓芳", "mobile": "13912345678", "email": "xf@example.org"},
    )
    assert response.status_code == 302
    assert LogEntry.objects.get(object_id=str(registration.pk)).object_repr.startswith("欧阳晓芳 · ")
    assert "core.OutboxMessage" in rows_naming("欧阳小芳")
    assert "admin.LogEntry" in rows_naming("欧阳晓芳")

    clock.shift(timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 8))
    assert services.purge_personal_data() == 1
    assert rows_naming("欧阳") == []
    assert rows_naming("13912345678") == [] and rows_naming("xf@example.org") == []
    entry = LogEntry.objects.get(object_id=str(registration.pk))
    assert (entry.object_repr, entry.user_id, entry.action_flag) == ("—", staff_user.pk, 2)  # who and what stay
    assert "欧阳" not in client.get(reverse("admin:index")).content.decode()  # "Recent actions"
