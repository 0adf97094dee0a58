"""Residents' feedback (issue 17, part 5): who may rate an event and when, once; what organizers, staff and the
public pages show; the invitation; the personal-data purge."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from events import services
from events.models import Event, Feedback, Registration
from tests.clock import shanghai
from tests.events.factories import EventFactory, FeedbackFactory, RegistrationFactory, happening_now
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

ATTENDED = Registration.Status.ATTENDED
# Every test here runs at this moment (Shanghai time), whatever the day: the windows are counted from it.
NOW = (2027, 3, 10, 12, 0)


def ended(hours=1, **kwargs):
    """A published event that ended `hours` ago (not reported yet)."""
    start = timezone.now() - timedelta(hours=hours + 2)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


def attendee(event=None, **kwargs):
    return RegistrationFactory(event=event or ended(), status=ATTENDED, checked_in_at=timezone.now(), **kwargs)


# Who may rate, when, how often (events.services.rate_event)


@pytest.mark.clock(*NOW)
def test_an_attendee_rates_the_event_once_after_the_end():
    registration = attendee()
    feedback = services.rate_event(registration, rating=4, comment="  Kind volunteers.  ")
    assert (feedback.event, feedback.registration, feedback.rating, feedback.comment) == (
        registration.event, registration, 4, "Kind volunteers."
    )
    with pytest.raises(ValidationError, match="You have rated this event"):
        services.rate_event(registration, rating=1)
    assert Feedback.objects.get().rating == 4


@pytest.mark.clock(*NOW)
def test_rating_opens_at_the_end_and_closes_after_feedback_days(clock, settings):
    settings.FEEDBACK_DAYS = 14
    event = happening_now()
    early, on_time, last_minute, late = (attendee(event) for _ in range(4))
    with pytest.raises(ValidationError, match="once it has ended"):
        services.rate_event(early, rating=5)
    clock.move_to(event.ends_at + timedelta(seconds=1))
    services.rate_event(on_time, rating=5)
    clock.move_to(event.ends_at + timedelta(days=14) - timedelta(minutes=1))
    services.rate_event(last_minute, rating=3)
    clock.move_to(event.ends_at + timedelta(days=14, seconds=1))
    with pytest.raises(ValidationError, match="Ratings for this event closed"):
        services.rate_event(late, rating=5)
    assert sorted(Feedback.objects.values_list("rating", flat=True)) == [3, 5]


@pytest.mark.clock(*NOW)
def test_the_window_follows_the_setting(settings):
    settings.FEEDBACK_DAYS = 3
    registration = attendee(ended(hours=24 * 3 + 1))
    assert "closed" in registration.feedback_refusal
    settings.FEEDBACK_DAYS = 4
    assert registration.can_rate


@pytest.mark.clock(*NOW)
@pytest.mark.parametrize("status", ["confirmed", "waitlisted", "cancelled"])
def test_only_people_checked_in_may_rate(status):
    registration = RegistrationFactory(event=ended(), status=status)
    with pytest.raises(ValidationError, match="Only people checked in"):
        services.rate_event(registration, rating=5)
    assert not Feedback.objects.exists()


@pytest.mark.clock(*NOW)
def test_a_cancelled_event_cannot_be_rated():
    registration = attendee(ended(state=Event.State.CANCELLED))
    with pytest.raises(ValidationError, match="cancelled"):
        services.rate_event(registration, rating=5)


@pytest.mark.clock(*NOW)
def test_a_completed_event_can_be_rated():
    registration = attendee(ended(state=Event.State.COMPLETED))
    assert services.rate_event(registration, rating=2).rating == 2


@pytest.mark.clock(*NOW)
@pytest.mark.parametrize(("rating", "comment", "message"), [
    (0, "", "from 1 to 5"), (6, "", "from 1 to 5"), (5, "x" * 501, "500 characters"),
])
def test_the_service_refuses_a_rating_out_of_range_or_a_long_comment(rating, comment, message):
    with pytest.raises(ValidationError, match=message):
        services.rate_event(attendee(), rating=rating, comment=comment)


# The resident's pages (through the private link, without JavaScript)


@pytest.mark.clock(*NOW)
def test_the_private_page_shows_the_rating_form_to_an_attendee_after_the_end(client):
    registration = attendee()
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Rate this event" in page
    assert f'action="{reverse("events:registration-feedback", args=[registration.token])}"' in page
    assert 'type="radio"' in page and 'name="rating" value="5"' in page and "<textarea" in page


@pytest.mark.clock(*NOW)
def test_people_not_checked_in_see_no_rating_section(client):
    registration = RegistrationFactory(event=ended())
    assert "Rate this event" not in client.get(registration.get_absolute_url()).content.decode()


@pytest.mark.clock(*NOW)
def test_rating_through_the_form_then_the_page_thanks_instead_of_asking_again(client):
    registration = attendee()
    url = reverse("events:registration-feedback", args=[registration.token])
    response = client.post(url, {"rating": "5", "comment": "Very useful."}, follow=True)
    assert response.redirect_chain == [(registration.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Thank you for your rating!" in page
    assert "You rated this event 5 out of 5." in page and "Very useful." in page
    assert 'name="rating"' not in page
    again = client.post(url, {"rating": "1"}, follow=True)
    assert "You have rated this event" in again.content.decode()
    assert Feedback.objects.get().rating == 5


@pytest.mark.clock(*NOW)
def test_a_form_without_rating_answers_with_its_errors(client):
    registration = attendee()
    response = client.post(
        reverse("events:registration-feedback", args=[registration.token]), {"comment": "x" * 501}
    )
    assert response.status_code == 400
    errors = response.context["feedback_form"].errors
    assert "rating" in errors and "comment" in errors
    assert not Feedback.objects.exists()


@pytest.mark.clock(*NOW)
def test_the_feedback_page_says_why_rating_is_not_possible(client):
    registration = attendee(happening_now())
    response = client.get(reverse("events:registration-feedback", args=[registration.token]))
    assert response.status_code == 200
    assert "You can rate the event once it has ended." in response.content.decode()
    posted = client.post(reverse("events:registration-feedback", args=[registration.token]), {"rating": "5"})
    assert posted.status_code == 302 and not Feedback.objects.exists()


@pytest.mark.clock(*NOW)
def test_the_rating_pages_speak_chinese(client):
    registration = attendee()
    page = client.get(
        reverse("events:registration-feedback", args=[registration.token]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "为活动打分" in page and "意见（可选）" in page


# What organizers see


@pytest.mark.clock(*NOW)
def test_the_organizer_sees_average_count_and_comments(client, org, org_user):
    event = ended(organization=org)
    for rating, comment in [(5, "Wonderful."), (4, ""), (2, "Too crowded.")]:
        FeedbackFactory(event=event, registration=attendee(event), rating=rating, comment=comment)
    client.force_login(org_user)
    response = client.get(reverse("events:manage-detail", args=[event.pk]))
    feedback = response.context["feedback"]
    assert (feedback["count"], round(feedback["average"], 2)) == (3, 3.67)
    assert feedback["distribution"] == [(5, 1), (4, 1), (3, 0), (2, 1), (1, 0)]
    assert [item.comment for item in feedback["comments"]] == ["Too crowded.", "Wonderful."]
    page = response.content.decode()
    assert "3.7" in page and "3 ratings" in page and "Too crowded." in page


@pytest.mark.clock(*NOW)
def test_the_organizers_overview_lists_only_their_rated_events(client, org, org_user, other_org):
    mine = ended(organization=org, title="Our rated event")
    ended(organization=org, title="Our unrated event")
    theirs = ended(organization=other_org, title="Their rated event")
    FeedbackFactory(event=mine, registration=attendee(mine), rating=4)
    FeedbackFactory(event=mine, registration=attendee(mine), rating=5)
    FeedbackFactory(event=theirs, registration=attendee(theirs), rating=1)
    client.force_login(org_user)
    response = client.get(reverse("events:manage-feedback"))
    assert [(e.title, e.rating_count, e.rating_average) for e in response.context["object_list"]] == [
        ("Our rated event", 2, 4.5)
    ]
    assert response.context["summary"]["count"] == 2
    assert "Their rated event" not in response.content.decode()


@pytest.mark.clock(*NOW)
def test_another_organizations_event_and_its_comments_are_a_404(client, other_org_user, org):
    event = ended(organization=org)
    FeedbackFactory(event=event, registration=attendee(event), comment="Private remark.")
    client.force_login(other_org_user)
    assert client.get(reverse("events:manage-detail", args=[event.pk])).status_code == 404


@pytest.mark.clock(*NOW)
@pytest.mark.parametrize("count", [2, 12])
def test_overview_query_count_does_not_grow(client, org, org_user, django_assert_num_queries, count):
    for _ in range(count):
        event = ended(organization=org)
        FeedbackFactory(event=event, registration=attendee(event))
    client.force_login(org_user)
    # session, user, the organization's account (with its membership), the page of events with their ratings,
    # its count, the overall summary, and the frame's reviewer and unread-notification lookups
    with django_assert_num_queries(8):
        response = client.get(reverse("events:manage-feedback"))
    assert len(response.context["object_list"]) == count


# Public pages: the average from FEEDBACK_PUBLIC_MINIMUM ratings on, never a comment


@pytest.mark.clock(*NOW)
def test_public_pages_show_the_average_from_the_minimum_on_and_never_comments(client, org, settings):
    settings.FEEDBACK_PUBLIC_MINIMUM = 5
    event = ended(organization=org, state=Event.State.COMPLETED)
    for rating in (5, 4, 4, 3):
        FeedbackFactory(event=event, registration=attendee(event), rating=rating, comment="Secret remark.")
    event_url, org_url = event.get_absolute_url(), reverse("members:organization-detail", args=[org.slug])
    for url in (event_url, org_url):
        page = client.get(url).content.decode()
        assert "residents' rating" not in page and "Secret remark." not in page
    FeedbackFactory(event=event, registration=attendee(event), rating=5, comment="Secret remark.")
    for url in (event_url, org_url):
        page = client.get(url).content.decode()
        assert "4.2 / 5" in page and "residents' rating (5 ratings)" in page
        assert "Secret remark." not in page
    chinese = client.get(event_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "居民评分（5个评分）" in chinese


# Staff: per-organization averages over any period


def _staff(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.clock(*NOW)
def test_staff_see_averages_per_organization_over_a_period(client, org, other_org):
    march, january = shanghai(2027, 3, 2, 9), shanghai(2027, 1, 5, 9)
    for organization, starts, ratings in [(org, march, [5, 4]), (other_org, march, [2]), (org, january, [1])]:
        event = EventFactory(organization=organization, starts_at=starts, ends_at=starts + timedelta(hours=2))
        for rating in ratings:
            FeedbackFactory(event=event, registration=attendee(event), rating=rating)
    client.force_login(_staff("view_feedback"))
    url = reverse("stats:feedback")
    rows = client.get(url, {"since": "2027-03-01", "until": "2027-03-31"}).context["rows"]
    assert [(row["name"], row["count"], row["average"]) for row in rows] == [(other_org.name, 1, 2), (org.name, 2, 4.5)]
    response = client.get(url)  # this year so far
    assert (response.context["since"], response.context["until"]) == (date(2027, 1, 1), date(2027, 3, 10))
    assert [(row["name"], row["count"]) for row in response.context["rows"]] == [(other_org.name, 1), (org.name, 3)]
    assert response.context["total"] == 4 and response.context["average"] == 3


@pytest.mark.clock(*NOW)
def test_a_period_ending_before_it_starts_is_an_error(client):
    client.force_login(_staff("view_feedback"))
    response = client.get(reverse("stats:feedback"), {"since": "2027-03-01", "until": "2027-01-01"})
    assert response.status_code == 200
    assert "until" in response.context["form"].errors
    assert "The end of the period must not be before its start." in response.content.decode()


@pytest.mark.clock(*NOW)
def test_the_staff_ratings_page_needs_the_permission(client, org_user):
    url = reverse("stats:feedback")
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(org_user)
    assert client.get(url).status_code == 403
    client.force_login(_staff("view_statistics"))
    assert client.get(url).status_code == 403
    client.force_login(_staff("view_feedback"))
    assert client.get(url).status_code == 200


@pytest.mark.clock(*NOW)
@pytest.mark.parametrize("count", [2, 12])
def test_staff_ratings_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        event = ended(organization=MembershipFactory(status="active").organization)
        FeedbackFactory(event=event, registration=attendee(event))
    client.force_login(_staff("view_feedback"))
    client.get(reverse("stats:feedback"))  # the staff session's first renewal
    # session, user, the user's and the groups' permissions, the rows (one grouped query), and the frame's
    # account, reviewer and unread-notification lookups
    with django_assert_num_queries(8):
        response = client.get(reverse("stats:feedback"))
    assert len(response.context["rows"]) == count


@pytest.mark.clock(*NOW)
def test_staff_statistics_show_ratings_per_organization(client, staff_user, org):
    event = ended(organization=org)
    FeedbackFactory(event=event, registration=attendee(event), rating=3)
    client.force_login(staff_user)
    response = client.get(reverse("stats:staff"))
    assert [(row["name"], row["count"], row["average"]) for row in response.context["feedback_rows"]] == [
        (org.name, 1, 3)
    ]
    page = response.content.decode()
    assert "ratings by organization" in page and reverse("stats:feedback") in page
    assert "ratings by organization" not in client.get(reverse("stats")).content.decode()


# The invitation (a periodic job after the end, once per sign-up)


@pytest.mark.clock(*NOW)
def test_attendees_are_invited_to_rate_once(settings):
    settings.FEEDBACK_DAYS = 14
    event = ended(title="Haircuts for elders")
    by_email = attendee(event, email="li@example.org")
    by_text = attendee(event)
    rated = attendee(event)
    FeedbackFactory(event=event, registration=rated)
    RegistrationFactory(event=event)  # not checked in
    attendee(happening_now())  # not over yet
    attendee(ended(hours=24 * 14 + 1))  # too late to rate
    attendee(ended(state=Event.State.CANCELLED))
    assert services.send_feedback_invitations() == 2
    assert services.send_feedback_invitations() == 0  # once
    messages = OutboxMessage.objects.filter(kind="event_feedback_invitation")
    email = messages.get(channel="email")
    assert email.recipient == "li@example.org" and email.about == f"events.registration:{by_email.pk}"
    assert "Haircuts for elders" in email.subject
    assert reverse("events:registration-feedback", args=[by_email.token]) in email.body
    sms = messages.get(channel="sms")
    assert sms.recipient == by_text.mobile and by_text.get_short_url() in sms.body


@pytest.mark.clock(*NOW)
def test_the_invitation_text_is_chinese_on_the_site(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    attendee(ended(title="义务理发"))
    services.send_feedback_invitations()
    sms = OutboxMessage.objects.get(kind="event_feedback_invitation")
    assert "感谢参加“义务理发”" in sms.body and "打分" in sms.body


# The personal-data purge: ratings stay, without the person


@pytest.mark.clock(*NOW)
def test_ratings_survive_the_purge_without_the_person(client, org, org_user, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    event = ended(hours=24 * 200, organization=org, state=Event.State.COMPLETED)
    registration = attendee(event, name="Wang Fang")
    FeedbackFactory(event=event, registration=registration, rating=2, comment="The room was cold.")
    assert services.purge_personal_data() == 1
    feedback = Feedback.objects.get()
    assert (feedback.event, feedback.rating, feedback.comment, feedback.registration) == (
        event, 2, "The room was cold.", None
    )
    registration.refresh_from_db()
    assert registration.name == "" and registration.status == ATTENDED
    assert Feedback.objects.filter(event=event).summary()["average"] == 2
    client.force_login(org_user)
    assert "The room was cold." in client.get(reverse("events:manage-detail", args=[event.pk])).content.decode()


# The admin: read-only, comments visible


@pytest.mark.clock(*NOW)
def test_staff_read_ratings_and_comments_in_the_admin_but_change_nothing(client, org):
    event = ended(organization=org)
    feedback = FeedbackFactory(event=event, registration=attendee(event, name="Zhou Min"), comment="Loved it.")
    staff = _staff("view_feedback")
    client.force_login(staff)
    listing = client.get(reverse("admin:events_feedback_changelist")).content.decode()
    assert "Loved it." in listing and org.name in listing and "Zhou Min" not in listing
    change_url = reverse("admin:events_feedback_change", args=[feedback.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"rating": 1, "comment": "changed"}).status_code == 403
    assert client.get(reverse("admin:events_feedback_add")).status_code == 403
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.post(reverse("admin:events_feedback_delete", args=[feedback.pk]), {"post": "yes"}).status_code == 403
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.comment) == (4, "Loved it.")


def test_staff_group_may_read_ratings_only():
    from django.contrib.auth.models import Group

    from core.permissions import STAFF_GROUP

    codenames = set(
        Group.objects.get(name=STAFF_GROUP).permissions.filter(content_type__model="feedback")
        .values_list("codename", flat=True)
    )
    assert codenames == {"view_feedback"}


@pytest.mark.clock(*NOW)
def test_an_organization_user_without_staff_rights_cannot_open_the_admin_ratings(client, org):
    client.force_login(OrganizationAccountFactory(organization=org).user)
    response = client.get(reverse("admin:events_feedback_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
