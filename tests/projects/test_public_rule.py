"""One rule for "residents may see this project" (Project.is_public = Project.objects.public()): every page, form
and figure that shows or counts public projects asks it, so none links to a project page that is a 404."""

import re
from datetime import date

import pytest
from django.urls import reverse

from events.forms import EventForm
from projects.models import CommunityNeed, Project
from stats import figures
from stats.figures import Filters
from tests.events.factories import EventFactory
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory

from .factories import CommunityNeedFactory, NeedResponseFactory, ProjectFactory, PublicProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_org():
    """An active member kept out of the directory: its organization page and project pages are 404s."""
    organization = OrganizationFactory(name="Quiet Helpers Team", is_public=False)
    MembershipFactory(organization=organization, status="active")
    return organization


def test_an_event_links_its_project_exactly_when_residents_may_see_it(org, hidden_org):
    for organization in (org, hidden_org):
        for state in Project.State:
            project = ProjectFactory(organization=organization, state=state)
            event = EventFactory(organization=organization, project=project)
            assert (event.public_project == project) == project.is_public
            assert (event.public_project is None) == (not project.is_public)


def test_an_event_offers_only_projects_residents_may_see(org, hidden_org):
    own = PublicProjectFactory(organization=org)
    PublicProjectFactory(organization=hidden_org)
    ProjectFactory(organization=org, state=Project.State.REJECTED)
    assert set(EventForm(organization=org).fields["project"].queryset) == {own}
    assert set(EventForm(organization=hidden_org).fields["project"].queryset) == set()
    assert set(EventForm().fields["project"].queryset) == set(Project.objects.public())


def test_the_statistics_count_the_public_projects(org, hidden_org):
    PublicProjectFactory(organization=org, starts_on=date(2025, 3, 1), service_field="elderly")
    PublicProjectFactory(organization=hidden_org, starts_on=date(2025, 4, 1), service_field="elderly")
    by_field = figures.projects_by_field(Filters(year=2025))
    assert [(row["field"], row["projects"]) for row in by_field] == [("elderly", 1)]
    assert [row["projects"] for row in figures.projects_by_funding(Filters(year=2025))] == [1]
    assert figures.headline_figures()["projects"] == Project.objects.public().count() == 1


def _links(content):
    return set(re.findall(r'href="(/(?:projects|organizations)/[^"]+)"', content))


def test_need_pages_link_only_to_pages_that_exist(client, org, hidden_org):
    shown = CommunityNeedFactory(title="Visits", state=CommunityNeed.State.MATCHED)
    shown_project = PublicProjectFactory(organization=org, title="Visiting team")
    NeedResponseFactory(need=shown, organization=org, project=shown_project, is_accepted=True)
    quiet = CommunityNeedFactory(title="Repairs", state=CommunityNeed.State.MATCHED)
    quiet_project = PublicProjectFactory(organization=hidden_org, title="Repair café")
    NeedResponseFactory(need=quiet, organization=hidden_org, project=quiet_project, is_accepted=True)

    pages = [reverse("projects:needs"), shown.get_absolute_url(), quiet.get_absolute_url()]
    links = set().union(*(_links(client.get(url).content.decode()) for url in pages))
    assert shown_project.get_absolute_url() in links and org.get_absolute_url() in links
    assert quiet_project.get_absolute_url() not in links and hidden_org.get_absolute_url() not in links
    for link in links:
        assert client.get(link).status_code == 200, link
    quiet_page = client.get(quiet.get_absolute_url()).content.decode()
    assert "Quiet Helpers Team" in quiet_page  # named, not linked


def test_the_portal_links_the_public_page_only_when_there_is_one(client, hidden_org):
    project = PublicProjectFactory(organization=hidden_org)
    client.force_login(OrganizationAccountFactory(organization=hidden_org).user)
    content = client.get(reverse("projects:manage-detail", args=[project.pk])).content.decode()
    assert project.get_absolute_url() not in content
    assert client.get(project.get_absolute_url()).status_code == 404
    hidden_org.is_public = True
    hidden_org.save()
    content = client.get(reverse("projects:manage-detail", args=[project.pk])).content.decode()
    assert project.get_absolute_url() in content
    assert client.get(project.get_absolute_url()).status_code == 200
