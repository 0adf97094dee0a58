"""The admin goes through the events services: places, the waiting list and every state change."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events import admin as events_admin
from events.models import Event, EventChange, Registration
from tests.events.factories import EventFactory, RegistrationFactory, happening_now

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would send with the admin's change form, as rendered."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file", "button"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def change_form(client, event, **changes):
    """The event's admin change form as the browser sends it back, with `changes`."""
    response = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {name: value for name, value in parser.data.items() if name not in {"action", "select_across", "index"}}
    return {**data, "_save": "Save", **{name: str(value) for name, value in changes.items()}}


def post_change(client, event, **changes):
    return client.post(reverse("admin:events_event_change", args=[event.pk]), change_form(client, event, **changes))


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_refuses_fewer_places_than_people_holding_one(client, staff_user):
    event = EventFactory(capacity=5)
    RegistrationFactory.create_batch(3, event=event)
    before = Event.objects.get(pk=event.pk)
    client.force_login(staff_user)
    response = post_change(client, event, capacity=2)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "3 people already hold a place: the event needs at least 3 places."
    ]
    after = Event.objects.get(pk=event.pk)
    assert (after.capacity, after.updated_at) == (5, before.updated_at)
    assert not event.changes.exists()
    assert event.registrations.holding_place().count() == 3


def test_the_portal_edit_form_refuses_it_with_the_same_words(client, org, org_user):
    event = EventFactory(organization=org, capacity=5)
    RegistrationFactory.create_batch(3, event=event)
    client.force_login(org_user)
    form = client.get(reverse("events:manage-edit", args=[event.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "cover"}
    data.update(
        starts_at=form["starts_at"].field.widget.format_value(event.starts_at),
        ends_at=form["ends_at"].field.widget.format_value(event.ends_at),
        capacity="2",
    )
    response = client.post(reverse("events:manage-edit", args=[event.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "3 people already hold a place: the event needs at least 3 places."
    ]
    assert Event.objects.get(pk=event.pk).capacity == 5


def test_raising_places_in_the_admin_moves_the_waiting_list_up_in_order(client, staff_user):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = [RegistrationFactory(event=event, status=Registration.Status.WAITLISTED) for _ in range(3)]
    client.force_login(staff_user)
    response = post_change(client, event, capacity=3)
    assert response.status_code == 302
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == ["confirmed", "confirmed", "waitlisted"]
    assert Event.objects.get(pk=event.pk).capacity == 3
    change = event.changes.get()
    assert (change.action, change.changed_by) == (EventChange.Action.EDITED, staff_user)
    assert event.history.first().history_user == staff_user


def test_a_refusal_the_form_could_not_foresee_changes_nothing(client, staff_user, monkeypatch):
    """A sign-up arriving between the form's check and the save: the service refuses, the page says so."""
    event = EventFactory(capacity=5)
    RegistrationFactory.create_batch(3, event=event)
    client.force_login(staff_user)
    data = change_form(client, event, capacity=2)
    monkeypatch.setattr(events_admin.EventAdminForm, "clean_capacity", lambda form: form.cleaned_data["capacity"])
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302
    assert texts(response) == ["3 people already hold a place: the event needs at least 3 places."]
    assert Event.objects.get(pk=event.pk).capacity == 5


def test_the_state_is_not_a_field_of_the_admin_form(client, staff_user):
    event = EventFactory(title="Before")
    client.force_login(staff_user)
    form = client.get(reverse("admin:events_event_change", args=[event.pk])).context["adminform"].form
    assert not {"state", "published_at", "cancel_reason"} & set(form.fields)
    response = post_change(client, event, title="After", state="cancelled", cancel_reason="x")
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.state, event.cancel_reason) == ("After", Event.State.PUBLISHED, "")


def test_an_edit_in_the_admin_keeps_a_publish_made_while_the_form_was_open(client, staff_user):
    event = EventFactory(state=Event.State.DRAFT, published_at=None, title="Before")
    client.force_login(staff_user)
    data = change_form(client, event, title="After")
    client.post(reverse("admin:events_event_changelist"), {"action": "publish", "_selected_action": [event.pk]})
    client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    event.refresh_from_db()
    assert (event.title, event.state) == ("After", Event.State.PUBLISHED)
    assert event.published_at is not None


def test_events_created_in_the_admin_are_drafts_recorded_by_the_service(client, staff_user):
    client.force_login(staff_user)
    data = change_form(client, EventFactory(), title="Street-wide training")
    data = {name: value for name, value in data.items() if not name.startswith(("registrations-", "changes-"))}
    data.update({
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0", "organization": "",
    })
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(title="Street-wide training")
    assert (event.state, event.created_by, event.organization) == (Event.State.DRAFT, staff_user, None)
    assert event.changes.get().action == EventChange.Action.CREATED


@pytest.mark.parametrize("state", [Event.State.CANCELLED, Event.State.COMPLETED])
def test_cancelled_and_completed_events_are_read_only_in_the_admin(client, staff_user, state):
    event = EventFactory(state=state, title="Kept")
    client.force_login(staff_user)
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(url, {"title": "Changed", "capacity": "1"}).status_code == 403
    assert Event.objects.get(pk=event.pk).title == "Kept"


def test_only_drafts_can_be_deleted_in_the_admin(client, staff_user):
    draft, published = EventFactory(state=Event.State.DRAFT), EventFactory()
    client.force_login(staff_user)
    assert client.post(reverse("admin:events_event_delete", args=[published.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:events_event_delete", args=[draft.pk]), {"post": "yes"})
    assert list(Event.objects.all()) == [published]


def test_event_actions_report_each_refusal(client, staff_user):
    draft, published = EventFactory(state=Event.State.DRAFT, title="Draft"), EventFactory(title="Live")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:events_event_changelist"), {"action": "publish", "_selected_action": [draft.pk, published.pk]}
    )
    assert texts(response) == ["1 item changed.", "Live: Only drafts can be published."]
    assert Event.objects.get(pk=draft.pk).state == Event.State.PUBLISHED
    assert EventChange.objects.get(action=EventChange.Action.PUBLISHED).changed_by == staff_user


# Sign-ups


def test_the_status_of_a_sign_up_is_not_editable_in_the_admin(client, staff_user):
    registration = RegistrationFactory(name="Wang")
    client.force_login(staff_user)
    url = reverse("admin:events_registration_change", args=[registration.pk])
    form = client.get(url).context["adminform"].form
    assert not {"status", "event", "checked_in_at", "cancelled_at"} & set(form.fields)
    response = client.post(url, {"name": "Wang Fang", "mobile": registration.mobile, "email": "", "status": "attended"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.name, registration.status) == ("Wang Fang", Registration.Status.CONFIRMED)


def test_sign_ups_are_not_added_in_the_admin_nor_listed_editable_with_their_event(client, staff_user):
    event = EventFactory()
    RegistrationFactory(event=event)
    client.force_login(staff_user)
    assert client.get(reverse("admin:events_registration_add")).status_code == 403
    # Not inline with their event either (an event may have thousands): a link leads to their own list.
    inlines = client.get(reverse("admin:events_event_change", args=[event.pk])).context["inline_admin_formsets"]
    assert Registration not in {inline.formset.model for inline in inlines}


def test_only_cancelled_sign_ups_can_be_deleted(client, staff_user):
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    cancelled = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(staff_user)
    refused = client.post(reverse("admin:events_registration_delete", args=[holder.pk]), {"post": "yes"})
    assert refused.status_code == 403
    client.post(reverse("admin:events_registration_delete", args=[cancelled.pk]), {"post": "yes"})
    assert list(Registration.objects.all()) == [holder]


def act_on_sign_ups(client, action, *registrations):
    return client.post(
        reverse("admin:events_registration_changelist"),
        {"action": action, "_selected_action": [r.pk for r in registrations]},
    )


def test_cancelling_a_sign_up_in_the_admin_moves_the_waiting_list_up(client, staff_user):
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    first, second = (RegistrationFactory(event=event, status=Registration.Status.WAITLISTED) for _ in range(2))
    client.force_login(staff_user)
    response = act_on_sign_ups(client, "cancel", holder)
    assert texts(response) == ["1 item changed."]
    assert [Registration.objects.get(pk=r.pk).status for r in (holder, first, second)] == [
        "cancelled", "confirmed", "waitlisted"
    ]
    change = event.changes.get()
    assert (change.action, change.registration, change.changed_by) == ("signup_cancelled", holder, staff_user)


def test_check_in_and_undo_in_the_admin_report_refusals(client, staff_user):
    event = happening_now(capacity=1)
    holder = RegistrationFactory(event=event, name="Li")
    waiting = RegistrationFactory(event=event, name="Zhao", status=Registration.Status.WAITLISTED)
    client.force_login(staff_user)
    response = act_on_sign_ups(client, "check_in", holder, waiting)
    assert texts(response) == [
        "1 item changed.", f"Zhao · {event}: Only people with a confirmed place can be checked in."
    ]
    assert Registration.objects.get(pk=holder.pk).status == Registration.Status.ATTENDED
    act_on_sign_ups(client, "undo_check_in", holder)
    assert Registration.objects.get(pk=holder.pk).status == Registration.Status.CONFIRMED
    assert [c.action for c in event.changes.order_by("pk")] == ["checked_in", "check_in_undone"]


def test_sign_ups_of_a_cancelled_event_are_left_as_they_are(client, staff_user):
    event = EventFactory(state=Event.State.CANCELLED, title="Rained off")
    registration = RegistrationFactory(event=event, name="Li")
    client.force_login(staff_user)
    response = act_on_sign_ups(client, "cancel", registration)
    assert texts(response) == [
        "Li · Rained off: The event has been cancelled: its sign-ups no longer need cancelling."
    ]
    response = act_on_sign_ups(client, "check_in", registration)
    assert texts(response)[-1] == "Li · Rained off: Check-ins can no longer be changed for this event."
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED


def test_reports_are_filed_in_the_portal_not_added_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:events_eventreport_add")).status_code == 403


def test_the_sign_ups_search_looks_for_each_term_where_it_can_be(client, staff_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.events.factories import RegistrationFactory

    zhang = RegistrationFactory(name="张居民", mobile="13800001234", email="zhang@example.cn")
    other = RegistrationFactory(name="李四", mobile="13900005678", email="li@example.cn")
    client.force_login(staff_user)
    url = reverse("admin:events_registration_changelist")

    def found(term):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": term})
        searched = [query["sql"].split("WHERE", 1)[1] for query in queries.captured_queries if term in query["sql"]]
        return {row.pk for row in response.context["cl"].result_list}, " ".join(searched)

    rows, searched = found("居民")  # Chinese: names only (no index serves it on mobiles and addresses)
    assert rows == {zhang.pk} and '"name"' in searched
    assert '"mobile"' not in searched and '"email"' not in searched
    assert found("5678")[0] == {other.pk}  # digits: mobiles too
    assert found("li@example")[0] == {other.pk}  # an @: addresses too
