"""Staff pages and exports ask for the model permission of the work they do (DESIGN §5), never `is_staff` alone.

The permission matrix (test_permission_matrix.py) checks every page for staff in the group, staff without any
permission and the superuser; here each staff page needs exactly its own permission, and the group 街道工作人员
made by stats migration 0002 holds them.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.permissions import STAFF_GROUP
from projects.models import Call, Project
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import UserFactory
from tests.projects.factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(db):
    federation_event = EventFactory(organization=None)
    call = CallFactory(state=Call.State.REVIEWING)
    return {
        "event": federation_event,
        "registration": RegistrationFactory(event=federation_event),
        "call": call,
        "proposal": ProjectFactory(call=call, state=Project.State.UNDER_REVIEW),
    }


# url name, its kwargs, the permissions the page asks for
STAFF_PAGES = [
    ("stats:dashboard", None, ["stats.view_dashboard"]),
    ("stats:staff", None, ["stats.view_statistics"]),
    ("events:compliance", None, ["stats.view_compliance"]),
    ("events:compliance-export", lambda o: {"file_format": "xlsx"}, ["stats.view_compliance"]),
    ("projects:ranking", lambda o: {"pk": o["call"].pk}, ["projects.view_project", "projects.view_review"]),
    ("projects:decide", lambda o: {"pk": o["proposal"].pk}, ["projects.change_project"]),
    # the federation's own events, which staff without an organization run in the portal's pages
    ("events:manage-list", None, ["events.view_event"]),
    ("events:manage-create", None, ["events.add_event"]),
    ("events:manage-registrations", None, ["events.view_registration"]),
    ("events:manage-detail", lambda o: {"pk": o["event"].pk}, ["events.view_event", "events.view_registration"]),
    ("events:manage-edit", lambda o: {"pk": o["event"].pk}, ["events.change_event"]),
    ("events:manage-cancel", lambda o: {"pk": o["event"].pk}, ["events.change_event"]),
    ("events:manage-export", lambda o: {"pk": o["event"].pk, "file_format": "csv"}, ["events.view_registration"]),
]
STAFF_ACTIONS = [  # POST
    ("projects:call-state", lambda o: {"pk": o["call"].pk}, ["projects.change_call"]),
    ("events:manage-publish", lambda o: {"pk": o["event"].pk}, ["events.change_event"]),
    (
        "events:manage-registration-action",
        lambda o: {"pk": o["event"].pk, "registration_pk": o["registration"].pk, "action": "check-in"},
        ["events.change_registration"],
    ),
]


def _permissions(names):
    permissions = [
        Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
        for name in names
    ]
    assert len(permissions) == len(names)
    return permissions


def staff_with(names, *, is_staff=True):
    user = UserFactory(is_staff=is_staff)
    user.user_permissions.set(_permissions(names))
    return user


def staff_group_permissions():
    group = Group.objects.get(name=STAFF_GROUP)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize(("name", "kwargs", "permissions"), STAFF_PAGES, ids=[page[0] for page in STAFF_PAGES])
def test_a_staff_page_needs_its_own_permission(client, objects, name, kwargs, permissions):
    url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
    client.force_login(staff_with(permissions))
    assert client.get(url).status_code == 200
    for missing in permissions:  # everything the group has, but this one
        client.force_login(staff_with(sorted(staff_group_permissions() - {missing})))
        assert client.get(url).status_code == 403, missing
    client.force_login(staff_with(permissions, is_staff=False))
    assert client.get(url).status_code in (302, 403)  # not staff, whatever it holds: never the page
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "kwargs", "permissions"), STAFF_ACTIONS, ids=[action[0] for action in STAFF_ACTIONS])
def test_a_staff_action_needs_its_own_permission(client, objects, name, kwargs, permissions):
    url = reverse(name, kwargs=kwargs(objects))
    client.force_login(staff_with(sorted(staff_group_permissions() - set(permissions))))
    assert client.post(url, {"to": Call.State.DECIDED}).status_code == 403
    client.force_login(staff_with(permissions))
    assert client.post(url, {"to": Call.State.DECIDED}).status_code == 302


def test_a_permission_without_staff_status_opens_no_staff_page(client, objects):
    """A user given a permission by mistake is still not staff: the staff pages stay shut (as the admin does)."""
    client.force_login(staff_with(["stats.view_statistics", "events.view_registration"], is_staff=False))
    assert client.get(reverse("stats:staff")).status_code == 403
    export = reverse("events:manage-export", kwargs={"pk": objects["event"].pk, "file_format": "csv"})
    assert client.get(export).status_code == 302  # no organization and not staff: asked to register one


def test_the_staff_group_holds_what_staff_pages_need_and_no_more():
    """Made by a data migration (on a fresh database, before post_migrate has made any permission)."""
    granted = staff_group_permissions()
    needed = {permission for _, _, permissions in STAFF_PAGES + STAFF_ACTIONS for permission in permissions}
    assert needed <= granted
    assert {"members.change_membership", "projects.change_call", "events.change_registration"} <= granted
    # audit trails, the personal-data access log and reviewers' scores are read-only; history tables are left out
    assert {"members.view_personaldataaccess", "events.view_eventchange", "projects.view_review"} <= granted
    assert not granted & {"members.change_personaldataaccess", "events.delete_eventchange", "projects.change_review"}
    assert not [permission for permission in granted if ".add_historical" in permission]
    assert not [permission for permission in granted if permission.startswith(("auth.", "axes."))]
    # the outbox: watched (and failed messages sent again), the SMS opt-outs kept; stats migration 0003
    assert {p for p in granted if p.startswith("core.")} == {
        "core.view_outboxmessage", "core.view_smsoptout", "core.add_smsoptout", "core.delete_smsoptout",
        "core.view_notification",
    }


def test_the_staff_dashboard_link_shows_only_with_its_permission(client):
    client.force_login(staff_with([]))
    assert reverse("stats:dashboard") not in client.get(reverse("home")).content.decode()
    client.force_login(staff_with(["stats.view_dashboard"]))
    assert reverse("stats:dashboard") in client.get(reverse("home")).content.decode()
