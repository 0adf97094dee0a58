"""Page weight: every main public page stays under 60 KB of HTML with the demo world loaded (docs/performance.md).

The whole first load (HTML, compressed CSS/JS, images) is measured by `make bench`; the HTML is what grows
with data, so it is pinned here.
"""

from django.urls import reverse

from events.models import Event
from members.models import Organization
from projects.models import Project

MAX_HTML_BYTES = 60 * 1024


def main_public_pages():
    organization = Organization.objects.public().order_by("-star_rating", "pk").first()
    return [
        reverse("home"),
        reverse("projects:list"),
        Project.objects.public().first().get_absolute_url(),
        reverse("projects:calls"),
        reverse("projects:needs"),
        reverse("members:organization-list"),
        organization.get_absolute_url(),
        reverse("members:about"),
        reverse("events:list"),
        reverse("events:month"),
        Event.objects.listed().first().get_absolute_url(),
        reverse("search") + "?q=社区",
        reverse("stats"),
    ]


def test_main_public_pages_stay_under_60_kb_of_html(client, demo_world):
    for language in ["zh-hans", "en"]:
        client.cookies["django_language"] = language
        for url in main_public_pages():
            response = client.get(url)
            assert response.status_code == 200, url
            assert 2_000 < len(response.content) <= MAX_HTML_BYTES, f"{url} ({language}): {len(response.content)} B"
