"""Demo data for reporting upward: a community team whose filing was cancelled in the last quarter that ended (sheet
A's closed organizations), and the pack of the quarter before it, downloaded by the demo staff member (the list of
downloads). Built around the day of loading; safe to run twice."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from members.models import Organization
from stats import figures

from .models import ReportDownload, ReportTemplate
from .services import download_report


def seed(stdout=None):
    quarter = figures.last_ended_quarter()
    if not Organization.objects.filter(deregistered_on__gte=quarter.first, deregistered_on__lte=quarter.last).exists():
        team = (
            Organization.objects.filter(
                org_type=Organization.Type.COMMUNITY_TEAM, membership__isnull=True, deregistered_on__isnull=True,
                founded_on__lt=quarter.first,
            )
            .order_by("pk")
            .first()
        )
        if team is not None:
            team.deregistered_on = quarter.first + timedelta(days=40)
            team.save(update_fields=["deregistered_on", "updated_at"])
    staff = get_user_model().objects.filter(username="staff").first()
    template = ReportTemplate.objects.default()
    if staff is not None and template is not None and not ReportDownload.objects.exists():
        previous = figures.last_ended_quarter(quarter.start - timedelta(days=1))
        download_report(previous, template, acting_user=staff)
    if stdout:
        stdout.write(f"reports: the {quarter} pack is ready at /staff/reports/ (templates in the admin)")
