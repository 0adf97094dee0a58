from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from tests.clock import shanghai
from tests.events.factories import EventFactory, RegistrationFactory, happening_now
from tests.members.factories import CommunityFactory

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
MASKED = "138****5678"
SIGN_UP = {"name": "Li", "mobile": MOBILE, "consent": "on"}


# Public pages


def test_list_shows_upcoming_published_events_only(client, org):
    upcoming = EventFactory(organization=org, title="Free haircuts")
    EventFactory(organization=org, title="Secret draft", state=Event.State.DRAFT)
    EventFactory(organization=org, title="Called off", state=Event.State.CANCELLED)
    EventFactory(organization=org, title="Last month", starts_at=timezone.now() - timedelta(days=30))
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [upcoming]
    assert b"Secret draft" not in response.content


def test_list_with_a_date_range_includes_past_events(client, org):
    past = EventFactory(organization=org, starts_at=timezone.now() - timedelta(days=30), state=Event.State.COMPLETED)
    since = (timezone.localdate() - timedelta(days=40)).isoformat()
    response = client.get(reverse("events:list"), {"date_from": since})
    assert past in response.context["object_list"]


def _list_queries(client, django_assert_num_queries, count):
    community = CommunityFactory()
    for _ in range(count):
        event = EventFactory(community=community)
        RegistrationFactory(event=event)
    with django_assert_num_queries(4):
        # count, page of events with their place counts, communities and organizers for the filter form
        response = client.get(reverse("events:list"))
    assert len(response.context["object_list"]) == count


@pytest.mark.parametrize("count", [2, 15])
def test_list_query_count_does_not_grow_with_data(client, django_assert_num_queries, count, no_page_cache):
    _list_queries(client, django_assert_num_queries, count)


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.clock(2027, 3, 1, 0, 30)  # the first of the month in Shanghai; still 28 February in UTC
def test_month_view_query_count_does_not_grow(client, django_assert_num_queries, count, no_page_cache):
    for n in range(count):
        EventFactory(starts_at=shanghai(2027, 3, 1, 1) + timedelta(hours=n))
    with django_assert_num_queries(1):
        response = client.get(reverse("events:month", args=[2027, 3]))
    assert response.status_code == 200
    days = [day for week in response.context["calendar"].weeks for day in week]
    assert sum(len(day.events) + day.more for day in days) == count
    assert max(len(day.events) for day in days) <= 4  # a busy day shows a few and links to the rest


def test_month_view_busy_day_links_to_that_days_list(client):
    day = timezone.localtime().replace(day=15, hour=8, minute=0)
    for n in range(7):
        EventFactory(starts_at=day + timedelta(minutes=n), title=f"Busy {n}")
    response = client.get(reverse("events:month", args=[day.year, day.month]))
    content = response.content.decode()
    assert "Busy 3" in content and "Busy 4" not in content
    assert "3 more events" in content
    assert f"date_from={day:%Y-%m-%d}&amp;date_to={day:%Y-%m-%d}" in content


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
def test_calendar_feed_answers_304_until_an_event_changes(client, settings, page_cache, clock):
    if not page_cache:  # production without Redis: ConditionalGetMiddleware alone
        settings.PAGE_CACHE_SECONDS = 0
    clock.move_to(timezone.now())
    event = EventFactory(title="Before")
    url = reverse("events:feed")
    first = client.get(url)
    assert first.status_code == 200 and "Before" in first.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    clock.shift(5)  # seconds pass (a slow machine, a phone that syncs later): nothing changed, still 304
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    event.title = "After"
    event.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "After" in changed.content.decode() and changed["ETag"] != first["ETag"]


def test_month_view_refuses_impossible_months(client, db):
    assert client.get(reverse("events:month", args=[2026, 13])).status_code == 404
    assert client.get(reverse("events:month")).status_code == 200


def test_detail_of_a_published_event_links_to_its_sign_up_form(client):
    event = EventFactory(title="Orienteering")
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert b"Orienteering" in response.content
    sign_up_url = reverse("events:sign-up", args=[event.pk])
    assert f'href="{sign_up_url}"'.encode() in response.content
    assert b"csrfmiddlewaretoken" not in response.content  # the event page is the same for everyone

    response = client.get(sign_up_url)
    assert response.status_code == 200
    assert b"Orienteering" in response.content
    assert b"Privacy notice" in response.content
    content = response.content.decode()
    assert 'name="consent"' in content and "checked" not in content.split('name="consent"')[1].split(">")[0]


def test_draft_events_are_not_public(client):
    assert client.get(EventFactory(state=Event.State.DRAFT).get_absolute_url()).status_code == 404


def test_sign_up_then_confirmation_then_cancel(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED, email="next@example.com")
    Registration.objects.filter(pk=waiting.pk).update(created_at=timezone.now() + timedelta(seconds=1))
    data = {"name": "Wang Xiuying", "mobile": "138 1234 5678", "email": "", "consent": "on"}
    response = client.post(reverse("events:sign-up", args=[event.pk]), data)
    registration = Registration.objects.get(name="Wang Xiuying")
    assert response.status_code == 302
    assert response.url == reverse("events:registration", args=[registration.token])
    assert registration.status == Registration.Status.CONFIRMED

    page = client.get(response.url)
    assert page.status_code == 200
    assert MASKED.encode() in page.content and MOBILE.encode() not in page.content
    assert b"you have a place" in page.content

    cancel_url = reverse("events:registration-cancel", args=[registration.token])
    assert f'href="{cancel_url}"' in page.content.decode()  # a link to the confirmation, not a one-click form
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(cancel_url)
    assert cancelled.status_code == 302
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    assert mail.outbox[0].to == ["next@example.com"]


@pytest.mark.clock(2026, 5, 2, 20, 0)
def test_a_residents_cancel_is_confirmed_on_a_page_that_says_what_is_cancelled(client, clock):
    event = EventFactory(title="Haircuts for elders", place="Meifang community room",
                         starts_at=shanghai(2026, 5, 3, 9, 0), ends_at=shanghai(2026, 5, 3, 11, 30))
    registration = RegistrationFactory(event=event, name="Wang Xiuying", mobile=MOBILE)
    url = reverse("events:registration-cancel", args=[registration.token])
    page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    for shown in ["Haircuts for elders", "2026-05-03 09:00–11:30", "Meifang community room", "Wang Xiuying", MASKED,
                  "Your place will be given up", '<form method="post"', "Yes, cancel my sign-up"]:
        assert shown in content
    assert MOBILE not in content
    assert '<meta name="robots" content="noindex">' in content
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED  # GET changes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(registration.get_absolute_url(), 302)]
    assert "Your sign-up has been cancelled" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED
    # once cancelled the page says so and offers no button
    content = client.get(url).content.decode()
    assert "This sign-up has already been cancelled." in content and "Yes, cancel my sign-up" not in content


def test_the_cancel_page_of_a_waiting_list_spot_says_so(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    content = client.get(reverse("events:registration-cancel", args=[waiting.token])).content.decode()
    assert "You will leave the waiting list." in content


def test_full_event_puts_the_resident_on_the_waiting_list(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    response = client.post(
        reverse("events:sign-up", args=[event.pk]), {"name": "Li", "mobile": MOBILE, "consent": "on"}, follow=True
    )
    assert b"number 1 on the waiting list" in response.content


def test_duplicate_mobile_gets_a_clear_message(client):
    event = EventFactory()
    RegistrationFactory(event=event, mobile=MOBILE)
    response = client.post(reverse("events:sign-up", args=[event.pk]), SIGN_UP)
    assert response.status_code == 400
    assert b"already signed up for this event" in response.content
    assert event.registrations.count() == 1


def test_sign_up_without_consent_or_with_a_bad_mobile_is_refused(client):
    event = EventFactory()
    response = client.post(reverse("events:sign-up", args=[event.pk]), {"name": "Li", "mobile": "12345"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"mobile", "consent"}
    assert not event.registrations.exists()


def test_sign_up_after_closing_is_refused_clearly(client):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    response = client.post(reverse("events:sign-up", args=[event.pk]), SIGN_UP)
    assert response.status_code == 400
    assert b"Sign-up for this event closed on" in response.content
    assert not event.registrations.exists()


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("events:registration", args=["nope"])).status_code == 404
    assert client.get(reverse("events:registration-cancel", args=["nope"])).status_code == 404
    assert client.post(reverse("events:registration-cancel", args=["nope"])).status_code == 404


def test_public_pages_never_show_full_mobile_numbers(client, org):
    event = EventFactory(organization=org, title="Haircuts")
    RegistrationFactory(event=event, mobile=MOBILE)
    pages = [
        reverse("home"),
        reverse("events:list"),
        event.get_absolute_url(),
        reverse("events:month"),
        reverse("search") + "?q=Haircuts",
        org.get_absolute_url(),
        reverse("events:feed"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MOBILE.encode() not in response.content, url
        assert MASKED.encode() not in response.content, url


def test_home_search_and_organization_page_show_events(client, org):
    event = EventFactory(organization=org, title="Shared fridge open day")
    assert event in client.get(reverse("home")).context["home_sections"][0]["events"]
    search = client.get(reverse("search"), {"q": "fridge"})
    assert b"Shared fridge open day" in search.content
    page = client.get(org.get_absolute_url())
    assert b"Shared fridge open day" in page.content
    assert reverse("events:organization-feed", args=[org.slug]).encode() in page.content


# Portal: every view — anonymous, other organization, own organization, staff


def _event_urls(event, registration):
    return [
        reverse("events:manage-detail", args=[event.pk]),
        reverse("events:manage-edit", args=[event.pk]),
        reverse("events:manage-cancel", args=[event.pk]),
        reverse("events:manage-report", args=[event.pk]),
        reverse("events:manage-export", args=[event.pk, "csv"]),
        reverse("events:manage-export", args=[event.pk, "xlsx"]),
    ]


def _post_urls(event, registration):
    return [
        reverse("events:manage-publish", args=[event.pk]),
        reverse("events:manage-registration-action", args=[event.pk, registration.pk, "check-in"]),
        reverse("events:manage-registration-action", args=[event.pk, registration.pk, "cancel"]),
    ]


LIST_URLS = ["events:manage-list", "events:manage-create", "events:manage-registrations"]


def test_portal_views_send_anonymous_visitors_to_login(client, org):
    event = EventFactory(organization=org)
    registration = RegistrationFactory(event=event)
    for url in [reverse(name) for name in LIST_URLS] + _event_urls(event, registration):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    for url in _post_urls(event, registration):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_portal_views_of_another_organizations_event_are_404(client, org, other_org_user):
    event = EventFactory(organization=org)
    registration = RegistrationFactory(event=event)
    client.force_login(other_org_user)
    for url in _event_urls(event, registration):
        assert client.get(url).status_code == 404, url
    for url in _post_urls(event, registration):
        assert client.post(url).status_code == 404, url
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_portal_views_of_own_event_are_200(client, org, org_editor):
    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=1))
    registration = RegistrationFactory(event=event)
    client.force_login(org_editor)
    for url in [reverse(name) for name in LIST_URLS] + _event_urls(event, registration):
        assert client.get(url).status_code == 200, url


def test_staff_manage_federation_events_but_not_organizations_events(client, staff_user, org):
    federation_event = EventFactory(organization=None)
    org_event = EventFactory(organization=org)
    client.force_login(staff_user)
    listing = client.get(reverse("events:manage-list"))
    assert listing.status_code == 200
    assert list(listing.context["object_list"]) == [federation_event]
    assert client.get(reverse("events:manage-detail", args=[federation_event.pk])).status_code == 200
    assert client.get(reverse("events:manage-detail", args=[org_event.pk])).status_code == 404


def test_staff_create_a_federation_event(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("events:manage-create"), _event_form_data(title="Partner day"))
    event = Event.objects.get(title="Partner day")
    assert response.status_code == 302
    assert event.organization is None
    assert event.state == Event.State.DRAFT


def test_user_without_organization_is_sent_to_register_one(client, plain_user):
    client.force_login(plain_user)
    response = client.get(reverse("events:manage-list"))
    assert response.status_code == 302 and response.url == reverse("members:join")


def _event_form_data(**overrides):
    starts = timezone.localtime() + timedelta(days=10)
    data = {
        "kind": "community_activity",
        "title": "Haircuts for elderly residents",
        "description": "Bring a towel.",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Community room",
        "community": "",
        "capacity": "20",
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    return {**data, **overrides}


def test_organization_creates_edits_and_publishes_an_event(client, org, org_user):
    client.force_login(org_user)
    response = client.post(reverse("events:manage-create"), _event_form_data())
    event = Event.objects.get()
    assert response.url == reverse("events:manage-detail", args=[event.pk])
    assert (event.organization, event.state, event.created_by) == (org, Event.State.DRAFT, org_user)

    response = client.post(reverse("events:manage-edit", args=[event.pk]), _event_form_data(capacity="30"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 30

    client.post(reverse("events:manage-publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED
    assert [change.action for change in event.changes.order_by("pk")] == ["created", "edited", "published"]


def test_event_form_refuses_an_end_before_the_start(client, org_user):
    client.force_login(org_user)
    starts = timezone.localtime() + timedelta(days=3)
    data = _event_form_data(
        starts_at=starts.strftime("%Y-%m-%dT%H:%M"), ends_at=(starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    response = client.post(reverse("events:manage-create"), data)
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors
    assert not Event.objects.exists()


def test_full_numbers_only_on_the_organizers_own_event_page(client, org, org_user):
    event = EventFactory(organization=org)
    RegistrationFactory(event=event, mobile=MOBILE)
    client.force_login(org_user)
    detail = client.get(reverse("events:manage-detail", args=[event.pk]))
    assert MOBILE.encode() in detail.content
    for url in [reverse("events:manage-registrations"), reverse("events:manage-list"), reverse("members:portal")]:
        response = client.get(url)
        assert MOBILE.encode() not in response.content, url
    assert MASKED.encode() in client.get(reverse("events:manage-registrations")).content


@pytest.mark.parametrize("count", [2, 12])
def test_registration_list_query_count_does_not_grow(client, org, org_user, django_assert_num_queries, count):
    event = EventFactory(organization=org)
    for _ in range(count):
        RegistrationFactory(event=event)
    client.force_login(org_user)
    with django_assert_num_queries(8):  # 8: the header asks whether the user reviews a call
        # session, user, account with its organization, events for the filter form, count, page with its events,
        # unread notifications in the header
        response = client.get(reverse("events:manage-registrations"))
    assert len(response.context["object_list"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_manage_event_list_query_count_does_not_grow(client, org, org_user, django_assert_num_queries, count):
    for _ in range(count):
        RegistrationFactory(event=EventFactory(organization=org))
    client.force_login(org_user)
    with django_assert_num_queries(7):  # 7: the header asks whether the user reviews a call
        # session, user, account with its organization, count, page of events with their place counts, unread
        # notifications
        response = client.get(reverse("events:manage-list"))
    assert len(response.context["object_list"]) == count


def test_organizer_checks_people_in(client, org, org_user):
    registration = RegistrationFactory(event=happening_now(organization=org))
    client.force_login(org_user)
    url = reverse("events:manage-registration-action", args=[registration.event.pk, registration.pk, "check-in"])
    response = client.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ATTENDED
    assert client.post(url.replace("check-in", "explode")).status_code == 404


def test_organizer_files_the_report_with_photos(client, org, org_user, small_jpeg):
    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    client.force_login(org_user)
    data = {"attendance": "18", "volunteers": "4", "beneficiaries_served": "20", "summary": "Good day.",
            "attendance_note": "Nobody was checked in: we used the paper sheet.", "photos": [small_jpeg]}
    response = client.post(reverse("events:manage-report", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == Event.State.COMPLETED
    assert event.report.photos.count() == 1
    public = client.get(event.get_absolute_url())
    assert b"18 took part" in public.content


def test_report_refuses_a_file_that_is_not_an_image(client, org, org_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    client.force_login(org_user)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    data = {"attendance": "1", "volunteers": "0", "beneficiaries_served": "0", "summary": "x", "photos": [fake]}
    response = client.post(reverse("events:manage-report", args=[event.pk]), data)
    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED


def test_organizer_cancels_an_event(client, org, org_user, django_capture_on_commit_callbacks):
    event = EventFactory(organization=org)
    RegistrationFactory(event=event, email="resident@example.com")
    client.force_login(org_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:manage-cancel", args=[event.pk]), {"reason": "Typhoon warning."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED
    assert mail.outbox[0].to == ["resident@example.com"]
    assert b"This event has been cancelled." in client.get(event.get_absolute_url()).content


def test_dashboard_shows_the_monthly_duty_panel(client, org_user):
    client.force_login(org_user)
    response = client.get(reverse("members:portal"))
    assert b"Monthly community activity" in response.content
    panel = next(p for p in response.context["panels"] if "history" in p)
    assert len(panel["history"]) == 12


# Staff pages


def test_compliance_page_permissions(client, org_user, staff_user):
    url = reverse("events:compliance")
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(org_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("events:compliance-export", args=["csv"])).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


@pytest.mark.clock(2027, 3, 15, 10)
def test_compliance_page_lists_members_below_the_duty_first(client, staff_user, org, other_org):
    from tests.events.factories import completed_activity

    completed_activity(org, shanghai(2027, 3, 15, 8))
    client.force_login(staff_user)
    response = client.get(reverse("events:compliance"))
    rows = response.context["rows"]
    assert [(row.name, row.activity_count) for row in rows] == [(other_org.name, 0), (org.name, 1)]
    assert response.context["totals"] == {"members": 2, "below": 1}


def test_admin_pages_for_staff(client, staff_user):
    event = EventFactory()
    RegistrationFactory(event=event, mobile=MOBILE)
    client.force_login(staff_user)
    for url in [
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_registration_changelist") + "?q=Resident",
        reverse("admin:events_eventreport_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_admin_cancel_action_uses_the_service(client, staff_user, django_capture_on_commit_callbacks):
    event = EventFactory()
    RegistrationFactory(event=event, email="resident@example.com")
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_event_changelist"), {"action": "cancel", "_selected_action": [event.pk]}
        )
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED
    assert len(mail.outbox) == 1


def test_admin_is_closed_to_organization_users(client, org_user):
    client.force_login(org_user)
    response = client.get(reverse("admin:events_registration_changelist"))
    assert response.status_code == 302 and "login" in response.url


def test_pages_speak_chinese_when_asked(client, org):
    event = EventFactory(organization=org, capacity=5)
    content = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "社区公益活动" in content
    assert "共 5 个名额，还剩 5 个" in content
    content = client.get(reverse("events:sign-up", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "个人信息说明" in content
    assert "共 5 个名额，还剩 5 个" in content


def test_organizers_event_list_names_the_waiting_list_in_chinese(client, org, org_user):
    """"Waiting" is also the state of an answer to a community need (等待街道对接); here it is the waiting list."""
    EventFactory(organization=org)
    client.force_login(org_user)
    content = client.get(reverse("events:manage-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<th scope="col">候补</th>' in content
    assert "等待街道对接" not in content


def test_event_links_its_public_project_and_offers_only_own_projects(client, org, org_user, other_org):
    from events.forms import EventForm
    from tests.projects.factories import ProjectFactory

    own = ProjectFactory(organization=org, state="in_progress", title="Shared fridge")
    draft = ProjectFactory(organization=org, state="draft", title="Secret draft")
    foreign = ProjectFactory(organization=other_org, state="in_progress", title="Someone else's")
    choices = set(EventForm(organization=org).fields["project"].queryset)
    assert choices == {own}
    assert draft not in choices and foreign not in choices

    event = EventFactory(organization=org, project=own)
    content = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Shared fridge" in content and own.get_absolute_url() in content
    hidden = EventFactory(organization=org, project=draft)
    assert "Secret draft" not in client.get(reverse("events:detail", args=[hidden.pk])).content.decode()


def test_the_sign_up_page_of_a_cancelled_event_says_so_and_has_no_form(client):
    event = EventFactory(state=Event.State.CANCELLED, cancel_reason="Heavy rain")
    response = client.get(reverse("events:sign-up", args=[event.pk]))
    assert response.status_code == 200
    assert b"This event has been cancelled." in response.content and b"Heavy rain" in response.content
    assert b'name="mobile"' not in response.content
    # the event page itself has no sign-up link either
    assert reverse("events:sign-up", args=[event.pk]).encode() not in client.get(event.get_absolute_url()).content


def test_the_cancel_button_shows_only_where_cancelling_is_allowed(client, org, org_user):
    live = RegistrationFactory(event=happening_now(organization=org))
    called_off = RegistrationFactory(event=EventFactory(organization=org, state=Event.State.CANCELLED))
    cancel_mine = b"Cancel my sign-up"
    assert cancel_mine in client.get(live.get_absolute_url()).content
    assert cancel_mine not in client.get(called_off.get_absolute_url()).content
    response = client.post(reverse("events:registration-cancel", args=[called_off.token]), follow=True)
    assert b"its sign-ups no longer need cancelling" in response.content
    assert Registration.objects.get(pk=called_off.pk).status == Registration.Status.CONFIRMED

    client.force_login(org_user)
    for registration, shown in [(live, True), (called_off, False)]:
        page = client.get(reverse("events:manage-detail", args=[registration.event.pk])).content
        assert (b"Cancel sign-up" in page, b"Check in" in page) == (shown, shown)


def test_organizer_cancels_a_sign_up_and_it_is_in_the_events_history(client, org, org_user):
    registration = RegistrationFactory(event=EventFactory(organization=org))
    client.force_login(org_user)
    url = reverse("events:manage-registration-action", args=[registration.event.pk, registration.pk, "cancel"])
    assert client.post(url).status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED
    change = registration.event.changes.get()
    assert (change.action, change.changed_by) == ("signup_cancelled", org_user)
    assert b"Sign-up cancelled" in client.get(reverse("events:manage-detail", args=[registration.event.pk])).content


def test_a_new_cover_is_stored_with_its_size_when_an_event_is_edited(client, org, org_user):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 450), (20, 120, 200)).save(buffer, format="JPEG")
    event = EventFactory(organization=org)
    client.force_login(org_user)
    data = _event_form_data(cover=SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert client.post(reverse("events:manage-edit", args=[event.pk]), data).status_code == 302
    event.refresh_from_db()
    assert event.cover.name.startswith("events/") and (event.cover_width, event.cover_height) == (800, 450)
    assert event.cover.storage.exists(event.cover.name)
    assert event.state == Event.State.PUBLISHED


def test_a_mobile_typed_in_full_width_is_stored_diallable_and_counts_as_the_same_number(client):
    event = EventFactory()
    url = reverse("events:sign-up", args=[event.pk])
    assert client.post(url, {"name": "Li", "mobile": "１３８１２３４５６７８", "consent": "on"}).status_code == 302
    assert event.registrations.get().mobile == MOBILE
    response = client.post(url, {"name": "Li again", "mobile": MOBILE, "consent": "on"})
    assert response.status_code == 400
    assert event.registrations.count() == 1


def test_a_mobile_with_other_scripts_digits_is_refused(client):
    event = EventFactory()
    response = client.post(
        reverse("events:sign-up", args=[event.pk]), {"name": "Li", "mobile": "139123٤٥٦٧٨", "consent": "on"}
    )
    assert response.status_code == 400
    assert "0–9" in response.content.decode()
    assert not event.registrations.exists()
