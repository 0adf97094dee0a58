"""The actual figures of a contract's indicators from the portal's own records: the project's linked events that
were verifiably held (the monthly duty's rule, events.EventQuerySet.counting_for_duty: a report and the proof of
check-ins or photos), their reported attendance (which follows the check-ins: events.services.file_event_report),
and the residents reached in the project's progress updates, over the service period up to a date."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from events.models import DUTY_TIME_ZONE, Event
from projects.models import ProgressUpdate

from .models import Indicator


def start_of(day):
    """The first instant of a day, Shanghai time."""
    return datetime.combine(day, time.min, tzinfo=DUTY_TIME_ZONE)


def actual_figures(contract, until):
    """{Indicator.Measure: figure} for the contract's project from the start of its service to the end of `until`
    (Shanghai time); MANUAL has none. Two queries."""
    held = (
        Event.objects.filter(project=contract.project_id)
        .counting_for_duty()
        .filter(starts_at__gte=start_of(contract.starts_on), starts_at__lt=start_of(until + timedelta(days=1)))
        .aggregate(n=Count("pk"), attendance=Sum("report__attendance"))
    )
    reached = ProgressUpdate.objects.filter(
        project=contract.project_id, on__gte=contract.starts_on, on__lte=until
    ).aggregate(total=Sum("beneficiaries_reached"))["total"]
    return {
        Indicator.Measure.ACTIVITIES: Decimal(held["n"]),
        Indicator.Measure.ATTENDANCE: Decimal(held["attendance"] or 0),
        Indicator.Measure.BENEFICIARIES: Decimal(reached or 0),
    }


def prefilled_results(evaluation, until=None):
    """[(indicator, figure or None)] of the evaluation's contract up to today (or `until`), within the service
    period: what the self-assessment form starts from."""
    contract = evaluation.contract
    figures = actual_figures(contract, min(until or timezone.localdate(), contract.ends_on))
    return [(indicator, figures.get(indicator.measure)) for indicator in contract.indicators.all()]
