"""Audit history: who changed what, old → new, and restoring an earlier version in the admin."""

import pytest
from django.urls import reverse

from members import services

pytestmark = pytest.mark.django_db


def test_profile_edit_is_recorded_with_who_and_what(client, org_user, org):
    client.force_login(org_user)
    client.post(
        reverse("members:manage-profile"),
        {"name": org.name, "org_type": org.org_type, "credit_code": org.credit_code, "summary": "Fresh food daily"},
    )
    latest, previous = org.history.all()[:2]
    assert latest.history_user == org_user
    assert latest.history_type == "~"
    delta = latest.diff_against(previous)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes["summary"] == ("Serving the community.", "Fresh food daily")


def test_membership_decisions_are_in_the_audit_history(staff_user):
    from tests.members.factories import MembershipFactory

    membership = MembershipFactory(status="applied")
    services.approve_membership(membership, acting_user=staff_user)
    assert [record.status for record in membership.history.all()] == ["active", "applied"]


def test_staff_see_the_history_and_restore_an_earlier_version(client, staff_user, org):
    org.summary = "Changed by mistake"
    org.save()
    client.force_login(staff_user)
    history_url = reverse("admin:members_organization_history", args=[org.pk])
    page = client.get(history_url).content.decode()
    assert "Changed by mistake" in page or "summary" in page.lower()

    original = org.history.earliest()
    revert_url = reverse("admin:members_organization_simple_history", args=[org.pk, original.history_id])
    response = client.get(revert_url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "logo" or (hasattr(value, "field") and not value):
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    # Inline management forms of the change page
    for prefix in ("membership", "accounts"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(revert_url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.summary == "Serving the community."
    assert org.history.first().history_user == staff_user
