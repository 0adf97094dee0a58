"""The 4f service log (孵化、支持、咨询、覆盖): what staff log of their services to an organization, who may log it,
and the admin recording who logged it."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.permissions import STAFF_GROUP
from members.models import SupportSession
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_session_says_what_was_given_to_whom_and_when():
    org = OrganizationFactory(name="长寿书画社")
    session = SupportSession.objects.create(
        organization=org, kind=SupportSession.Kind.CONSULTATION, on=datetime.date(2026, 11, 3), hours=Decimal("1.5")
    )
    assert str(session) == "长寿书画社 · Consultation · 2026-11-03"
    assert list(org.support_sessions.all()) == [session]


def test_sessions_of_an_organization_within_a_period_newest_first():
    org, other = OrganizationFactory(), OrganizationFactory()
    old = SupportSession.objects.create(organization=org, kind="support", on=datetime.date(2026, 9, 30))
    first = SupportSession.objects.create(organization=org, kind="incubation", on=datetime.date(2026, 10, 1))
    last = SupportSession.objects.create(organization=org, kind="coverage", on=datetime.date(2026, 12, 31))
    SupportSession.objects.create(organization=other, kind="support", on=datetime.date(2026, 11, 1))

    fourth_quarter = (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    sessions = SupportSession.objects.for_organization(org).between(*fourth_quarter)
    assert list(sessions) == [last, first]
    assert old not in sessions


def test_hours_must_be_positive_in_the_database():
    org = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportSession.objects.create(organization=org, kind="support", hours=Decimal("0"))


def test_street_office_staff_may_log_sessions():
    codenames = set(
        Group.objects.get(name=STAFF_GROUP).permissions.filter(content_type__model="supportsession")
        .values_list("codename", flat=True)
    )
    assert codenames == {"add_supportsession", "change_supportsession", "delete_supportsession",
                         "view_supportsession"}


def test_the_admin_records_who_logged_a_session(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.groups.add(Group.objects.get(name=STAFF_GROUP))
    org = OrganizationFactory()
    client.force_login(clerk)

    response = client.post(
        reverse("admin:members_supportsession_add"),
        {"organization": org.pk, "kind": "incubation", "on": "2026-11-20", "hours": "2", "note": "Registration help"},
    )

    assert response.status_code == 302
    session = SupportSession.objects.get()
    assert (session.organization, session.kind, session.hours, session.logged_by) == (
        org, "incubation", Decimal("2.0"), clerk
    )
    assert client.get(reverse("admin:members_supportsession_changelist")).status_code == 200
