"""What needs the street office's attention: each item a count and where to deal with it."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Evaluation
from events import compliance
from events.models import Event
from incubation.models import TeamFiling
from members.models import Membership
from projects.models import Call, CommunityNeed


def _admin_list(name, **filters):
    return f"{reverse(name)}?{urlencode(filters)}"


def staff_tasks(now=None):
    """Pending applications, calls under review, events awaiting reports, members below last month's duty,
    members without an activity yet this month, needs without a response, contracts' overdue self-assessments and
    team filings to decide. Eight queries.

    This month is in progress until it ends (`in_progress`): a member without an activity yet has not missed it,
    so the dashboard does not call it below the duty; last month is the one to follow up.
    """
    now = now or timezone.now()
    month = compliance.this_month(now)
    last_month = compliance.shift_month(month, -1)
    return [
        {
            "label": _("Membership applications waiting for a decision"),
            "count": Membership.objects.filter(status=Membership.Status.APPLIED).count(),
            "url": _admin_list("admin:members_membership_changelist", status__exact=Membership.Status.APPLIED),
        },
        {
            "label": _("Calls for proposals under review"),
            "count": Call.objects.filter(state=Call.State.REVIEWING).count(),
            "url": _admin_list("admin:projects_call_changelist", state__exact=Call.State.REVIEWING),
        },
        {
            "label": _("Events that have ended and wait for their report"),
            "count": Event.objects.filter(state=Event.State.PUBLISHED).past(now).count(),
            "url": _admin_list(
                "admin:events_event_changelist",
                state__exact=Event.State.PUBLISHED,
                ends_at__lt=now.isoformat(timespec="seconds"),
            ),
        },
        {
            "label": _("Members below last month's activity duty"),
            "count": compliance.month_totals(last_month)["below"],
            "url": f"{reverse('events:compliance')}?month={last_month:%Y-%m}",
        },
        {
            "label": _("Members without a community activity yet this month (in progress)"),
            "count": compliance.month_totals(month)["below"],
            "url": f"{reverse('events:compliance')}?month={month:%Y-%m}",
            "in_progress": True,
        },
        {
            "label": _("Open community needs without a response"),
            "count": CommunityNeed.objects.filter(state=CommunityNeed.State.OPEN, responses__isnull=True).count(),
            "url": _admin_list(
                "admin:projects_communityneed_changelist",
                state__exact=CommunityNeed.State.OPEN,
                responses__isnull="True",
            ),
        },
        {
            "label": _("Contracts' self-assessments overdue"),
            "count": Evaluation.objects.overdue(timezone.localdate(now)).count(),
            "url": f"{reverse('contracts:staff-list')}?overdue=1",
        },
        {
            "label": _("Filings of community teams waiting for a decision"),
            "count": TeamFiling.objects.awaiting_decision().count(),
            "url": reverse("incubation:staff"),
        },
    ]
