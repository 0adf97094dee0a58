from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Call

from .display import is_elder_mode

# The public sections of the site, in menu order. A section whose app is not installed is skipped.
SITE_SECTIONS = [
    ("members:organization-list", _("Organizations")),
    ("projects:list", _("Projects")),
    ("events:list", _("Events")),
    ("projects:needs", _("Community needs")),
    ("communities:list", pgettext_lazy("site section: the neighbourhoods' pages", "Neighbourhoods")),
    ("stats", _("Statistics")),
    ("members:about", _("About")),
]


def site_sections(request):
    sections = []
    for url_name, label in SITE_SECTIONS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        sections.append({"url": url, "label": label, "active": request.path.startswith(url)})
    user = getattr(request, "user", None)
    return {
        "site_sections": sections,
        "is_reviewer": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and Call.objects.assigned_to(user).exists())
        ),
    }


def display_mode(request):
    """`elder_mode`: the visitor chose the 长辈版 (federation_portal/display.py)."""
    return {"elder_mode": is_elder_mode(request)}
