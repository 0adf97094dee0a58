"""What the projects app adds to pages it does not own: home, organization pages, search, portal dashboard.

federation_portal's views call these; members' portal calls `dashboard_panel_context` through
the panel registry. Each returns plain dicts for the templates' hooks.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.search import best_first, finds

from .models import Call, CommunityNeed, Project

HOME_BRAND_PROJECTS = 6


def home_sections():
    """The home page's brand projects."""
    projects = list(Project.objects.showcase().filter(is_brand=True)[:HOME_BRAND_PROJECTS])
    if not projects:
        return []
    return [{"template_name": "projects/includes/_home_section.html", "projects": projects}]


def organization_sections(organization):
    """The public projects of one organization, for its page in the directory."""
    projects = list(Project.objects.showcase().filter(organization=organization))
    if not projects:
        return []
    return [{"template_name": "projects/includes/_organization_section.html", "projects": projects}]


def search_groups(query, limit=20):
    """Search results: public projects and community needs matching the query."""
    if not query:
        return []
    return [
        {
            "label": _("Projects"),
            "items": best_first(Project.objects.showcase(), query, ["title"], Project.objects.matching(query), limit),
            "empty": _("No projects match."),
        },
        {
            "label": _("Community needs"),
            "items": best_first(
                CommunityNeed.objects.public(), query, ["title"], finds(["title", "description"], query), limit
            ),
            "empty": _("No community needs match."),
        },
    ]


def dashboard_panel_context(request, organization):
    counts = dict(
        Project.objects.for_organization(organization).values_list("state").annotate(n=Count("pk")).order_by()
    )
    states = [(state.label, counts[state]) for state in Project.State if counts.get(state)]
    return {
        "project_states": states,
        "open_calls": list(Call.objects.accepting().order_by("closes_at")[:3]),
        "open_need_count": CommunityNeed.objects.open().count(),
    }
