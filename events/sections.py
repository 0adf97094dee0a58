"""What the events app adds to pages it does not own: the home page, organization pages, search,
and the portal dashboard. federation_portal calls these; members calls `duty_panel` through its registry.
"""

from django.utils.translation import gettext_lazy as _

from core.search import best_first

from . import compliance
from .models import Event, Feedback, duty_proof_label

HOME_EVENTS = 3
ORGANIZATION_EVENTS = 5
SEARCH_LIMIT = 20


def home_section():
    """The next upcoming events for the home page (`home_sections`)."""
    events = list(Event.objects.listed().upcoming().for_cards()[:HOME_EVENTS])
    return {"template_name": "events/includes/_home_section.html", "events": events}


def organization_section(organization):
    """An organization page's events (`detail_sections`): what is coming, the latest held, and the residents'
    average rating of its events (shown from FEEDBACK_PUBLIC_MINIMUM ratings on)."""
    # Titles and times only: no places left, so that a sign-up leaves the page cached (core.caching).
    events = Event.objects.listed().for_organization(organization).select_related("organization")
    return {
        "template_name": "events/includes/_organization_section.html",
        "organization": organization,
        "rating": Feedback.objects.for_organization(organization).summary(),
        "upcoming": list(events.upcoming()[:ORGANIZATION_EVENTS]),
        "recent": list(events.past().order_by("-starts_at")[:ORGANIZATION_EVENTS]),
    }


def search_group(query):
    """Public events matching a search (`result_groups`)."""
    return {
        "label": _("Events"),
        # Title matches first, then the rest; latest first in each (core.search.best_first).
        "items": best_first(
            Event.objects.public().order_by("-starts_at"), query, ["title"], Event.objects.matching(query), SEARCH_LIMIT
        ),
        "empty": _("No events match."),
    }


def duty_panel(request, organization):
    """Dashboard panel: the organization's monthly activity duty over the last 12 months, and what is next."""
    return {
        "history": compliance.organization_history(organization),
        "proof": duty_proof_label(),
        "upcoming": list(Event.objects.for_organization(organization).listed().upcoming().order_by("starts_at")[:3]),
    }
