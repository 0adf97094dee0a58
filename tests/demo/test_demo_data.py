"""The demo world: what `make run` shows."""

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse

from core.permissions import STAFF_GROUP
from core.pictures import size_name
from events import demo as events_demo
from events.compliance import compliance_for_month, shift_month, this_month
from events.models import Event, EventReport, Registration, ReportPhoto
from projects.models import Project


def test_demo_builds_a_year_of_events_and_is_safe_to_run_twice(demo_world):
    counts = (Event.objects.count(), Registration.objects.count(), EventReport.objects.count())
    events_demo.seed()
    assert (Event.objects.count(), Registration.objects.count(), EventReport.objects.count()) == counts

    assert Event.objects.filter(title__startswith="跟随革命先辈的足迹庆祝祖国生日").exists()
    for kind in Event.Kind.values:
        if kind != "other":
            assert Event.objects.filter(kind=kind).exists(), kind
    last_month = shift_month(this_month(), -1)
    rows = list(compliance_for_month(last_month))
    below = [row for row in rows if row.activity_count == 0]
    # The members that fell behind (MISSING_DUTY) and the odd one whose only activity had no proof (2 % of them).
    assert 0 < len(below) <= events_demo.MISSING_DUTY + 6
    assert len(rows) - len(below) > 80
    # Capacity holds in the demo too.
    for event in Event.objects.with_place_counts().filter(state="published"):
        assert event.taken_count <= event.capacity


def test_the_demo_pictures_have_their_versions(demo_world):
    photos = [p.image for p in ReportPhoto.objects.all()] + [p.cover for p in Project.objects.exclude(cover="")]
    assert photos
    for image in photos:
        width = image.instance.image_width if hasattr(image.instance, "image_width") else image.instance.cover_width
        assert width and default_storage.exists(size_name(image.name, 640)), image.name


def test_the_demo_staff_member_works_through_the_staff_group(demo_world, client):
    """The demo's "staff" is no superuser: the group 街道工作人员 opens the staff pages to them."""
    staff = get_user_model().objects.get(username="staff")
    assert not staff.is_superuser and list(staff.groups.values_list("name", flat=True)) == [STAFF_GROUP]
    client.force_login(staff)
    for url in (reverse("stats:dashboard"), reverse("stats:staff"), reverse("events:compliance")):
        assert client.get(url).status_code == 200, url


def test_the_demo_keeps_no_residents_details_past_the_retention_period(demo_world, settings):
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    expired = Registration.objects.filter(event__ends_at__lt=cutoff - timedelta(minutes=5))
    assert not expired.exclude(name="", mobile="", email="").exists()
    assert not expired.filter(purged_at__isnull=True).exists()
    # recent sign-ups keep their details
    assert Registration.objects.filter(event__ends_at__gt=cutoff + timedelta(days=1)).exclude(name="").exists()
