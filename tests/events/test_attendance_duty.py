"""The report follows the check-ins, and the monthly duty counts activities with proof (issue 17, part 4)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events import compliance, services
from events.models import DUTY_PROOFS, Event, EventReport, Registration
from members.models import Membership
from stats import figures
from tests.clock import shanghai
from tests.events.factories import EventFactory, RegistrationFactory, completed_activity

pytestmark = pytest.mark.django_db

ATTENDED = Registration.Status.ATTENDED


def started(org):
    """The organizer's event that started three hours ago and has three people checked in (one a walk-in), one
    with a place who did not come, one on the waiting list and one who cancelled."""
    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    for _ in range(2):
        RegistrationFactory(event=event, status=ATTENDED)
    RegistrationFactory(event=event, status=ATTENDED, is_walk_in=True)
    for status in ("confirmed", "waitlisted", "cancelled"):
        RegistrationFactory(event=event, status=status)
    return event


REPORT = {"volunteers": "2", "beneficiaries_served": "3", "summary": "Went well."}


# The report form and the service


def test_the_report_starts_from_the_people_checked_in(client, org, org_user):
    event = started(org)
    client.force_login(org_user)
    response = client.get(reverse("events:manage-report", args=[event.pk]))
    form = response.context["form"]
    assert form.initial["attendance"] == 3
    assert "3 people were checked in (walk-ins included)" in response.content.decode()
    chinese = client.get(reverse("events:manage-report", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "已签到3人（含现场报名）" in chinese.content.decode()


def test_nobody_checked_in_starts_from_zero(client, org, org_user):
    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    client.force_login(org_user)
    assert client.get(reverse("events:manage-report", args=[event.pk])).context["form"].initial["attendance"] == 0


def test_the_check_in_count_needs_no_reason_and_is_kept_with_the_report(client, org, org_user):
    event = started(org)
    client.force_login(org_user)
    response = client.post(reverse("events:manage-report", args=[event.pk]), {"attendance": "3", **REPORT})
    assert response.status_code == 302
    report = EventReport.objects.get(event=event)
    assert (report.attendance, report.checked_in, report.attendance_note) == (3, 3, "")
    assert not report.attendance_differs


def test_a_different_figure_needs_a_reason(client, org, org_user):
    event = started(org)
    client.force_login(org_user)
    url = reverse("events:manage-report", args=[event.pk])
    response = client.post(url, {"attendance": "20", **REPORT})
    assert response.status_code == 200
    assert "attendance_note" in response.context["form"].errors
    assert "3 people were checked in. Please say why" in response.content.decode()
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED and not EventReport.objects.exists()

    response = client.post(url, {"attendance": "20", "attendance_note": "  17 signed the paper sheet.  ", **REPORT})
    assert response.status_code == 302
    report = EventReport.objects.get(event=event)
    assert (report.attendance, report.checked_in, report.attendance_note) == (20, 3, "17 signed the paper sheet.")
    assert report.attendance_differs
    page = client.get(reverse("events:manage-detail", args=[event.pk])).content.decode()
    assert "3 people checked in when the report was filed." in page and "17 signed the paper sheet." in page


def test_the_service_refuses_a_different_figure_without_a_reason_whatever_the_form(org, org_user):
    event = started(org)
    with pytest.raises(ValidationError) as refused:
        services.file_event_report(
            event, acting_user=org_user, attendance=4, volunteers=0, beneficiaries_served=0, summary="x",
            attendance_note="   ",
        )
    assert "attendance_note" in refused.value.message_dict
    report = services.file_event_report(
        event, acting_user=org_user, attendance=3, volunteers=0, beneficiaries_served=0, summary="x",
        attendance_note="not needed",
    )
    assert report.attendance_note == ""  # no difference, nothing to explain


def test_staff_read_the_count_the_figure_and_the_reason(client, staff_user, org, org_user):
    event = started(org)
    services.file_event_report(
        event, acting_user=org_user, attendance=9, volunteers=0, beneficiaries_served=0, summary="x",
        attendance_note="Six came without signing up.",
    )
    report = event.report
    client.force_login(staff_user)
    listing = client.get(reverse("admin:events_eventreport_changelist"), {"differs": "yes"}).content.decode()
    assert event.title in listing
    assert event.title not in client.get(
        reverse("admin:events_eventreport_changelist"), {"differs": "no"}
    ).content.decode()
    change = client.get(reverse("admin:events_eventreport_change", args=[report.pk])).content.decode()
    assert "Six came without signing up." in change and 'name="checked_in"' not in change  # kept as filed
    event_page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "9 (checked in: 3) — Six came without signing up." in event_page
    month = compliance.this_month(event.starts_at)  # the event's month (at a month's edge, not this one)
    duty = client.get(reverse("events:compliance"), {"month": f"{month:%Y-%m}"})
    assert [r.pk for r in duty.context["differing"]] == [report.pk]
    assert "Six came without signing up." in duty.content.decode()


# The duty rule under each MONTHLY_DUTY_PROOF


# proof setting -> which of the activities (by the proof they have) count
EXPECTED = {
    "report": {"none", "check_in", "photos", "both"},
    "check_in": {"check_in", "both"},
    "photos": {"photos", "both"},
    "check_in_or_photos": {"check_in", "photos", "both"},
}


@pytest.fixture
def activities(org, other_org):
    """March 2026: org held four activities, each with another proof; other_org one with none."""
    Membership.objects.update(joined_on=date(2020, 1, 1))
    made = {
        proof or "none": completed_activity(org, shanghai(2026, 3, 2 + day, 10), proof=proof)
        for day, proof in enumerate([None, "check_in", "photos", "both"])
    }
    completed_activity(other_org, shanghai(2026, 3, 20, 10), proof=None)
    return made


@pytest.mark.parametrize("proof", sorted(EXPECTED))
def test_the_duty_counts_activities_with_the_proof_the_setting_names(settings, org, other_org, activities, proof):
    settings.MONTHLY_DUTY_PROOF = proof
    counted = {name for name, event in activities.items() if event in Event.objects.counting_for_duty()}
    assert counted == EXPECTED[proof]
    month = date(2026, 3, 1)
    counts = {row.name: row.activity_count for row in compliance.compliance_for_month(month)}
    other_held = 1 if proof == "report" else 0  # other_org's activity has no proof but its report
    assert counts == {org.name: len(EXPECTED[proof]), other_org.name: other_held}
    assert compliance.month_totals(month) == {"members": 2, "below": 1 - other_held}
    history = compliance.organization_history(org, now=shanghai(2026, 4, 5, 9))
    assert {status.month: status.count for status in history}[month] == len(EXPECTED[proof])
    # the figures of the statistics pages count the same activities
    held = figures.event_figures(figures.Filters(year=2026), now=shanghai(2026, 12, 31, 9))["held"]
    assert held == {month: len(EXPECTED[proof]) + other_held}


@pytest.mark.parametrize("proof", sorted(EXPECTED))
def test_an_activity_without_its_proof_leaves_the_month_below_the_duty(settings, org, other_org, proof):
    Membership.objects.update(joined_on=date(2020, 1, 1))
    settings.MONTHLY_DUTY_PROOF = proof
    completed_activity(org, shanghai(2026, 3, 2, 10), proof=None)
    assert compliance.month_totals(date(2026, 3, 1))["below"] == (1 if proof == "report" else 2)


def test_only_checked_in_people_prove_an_activity(settings, org):
    settings.MONTHLY_DUTY_PROOF = "check_in"
    event = completed_activity(org, shanghai(2026, 3, 2, 10), proof=None)
    for status in ("confirmed", "waitlisted", "cancelled"):
        RegistrationFactory(event=event, status=status)
    assert not Event.objects.counting_for_duty().exists()
    RegistrationFactory(event=event, status=ATTENDED, is_walk_in=True)  # a walk-in checked in at the door
    assert list(Event.objects.counting_for_duty()) == [event]


@pytest.mark.clock(2026, 6, 10, 9)
@pytest.mark.parametrize("proof", sorted(EXPECTED))
def test_the_duty_pages_say_which_proof_counts(client, staff_user, org, org_user, settings, proof):
    settings.MONTHLY_DUTY_PROOF = proof
    with translation.override("en"):
        label = str(DUTY_PROOFS[proof])
    client.force_login(staff_user)
    page = client.get(reverse("events:compliance")).content.decode()
    assert f"Proof that an activity was held:</strong> {label}." in page
    client.force_login(org_user)
    assert label in client.get(reverse("members:portal")).content.decode()
    chinese = client.get(reverse("members:portal"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "活动开展的证明：" in chinese


def test_the_proof_is_part_of_the_cached_figures_key(settings, org, other_org, activities):
    settings.MONTHLY_DUTY_PROOF = "report"
    now = shanghai(2026, 12, 31, 9)
    assert figures.headline_figures(figures.Filters(year=2026), now=now)["activities"] == 5
    settings.MONTHLY_DUTY_PROOF = "check_in"
    assert figures.headline_figures(figures.Filters(year=2026), now=now)["activities"] == 2
