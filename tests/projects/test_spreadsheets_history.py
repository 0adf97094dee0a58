"""Admin exports of projects and reviews (filters applied, no formulas) and their audit history with restore."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from projects.models import Call, CommunityNeed, Project
from tests.projects.factories import CallFactory, CommunityNeedFactory, ProjectFactory, ReviewFactory

pytestmark = pytest.mark.django_db

PROJECT_FIELDS = ["title", "organization", "call", "service_field", "communities", "state", "budget",
                  "funding_source", "funding_amount", "starts_on", "ends_on", "is_selected", "is_brand", "summary"]


def export_projects(client, fmt, query=""):
    data = {"resource": "0", "format": fmt, **{f"projectresource_{name}": "on" for name in PROJECT_FIELDS}}
    return client.post(reverse("admin:projects_project_export") + query, data)


def test_project_csv_export_applies_filters_and_neutralises_formulas(client, staff_user):
    ProjectFactory(title="=HYPERLINK(\"http://evil\")", summary="+86 call us", state=Project.State.IN_PROGRESS)
    ProjectFactory(title="Still a draft", state=Project.State.DRAFT)
    client.force_login(staff_user)
    response = export_projects(client, "0", "?state__exact=in_progress")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "title"
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(\"http://evil\")"]
    assert rows[1][-1] == "'+86 call us"
    assert rows[1][5] == "In progress"


def test_review_xlsx_export_cells_are_text(client, staff_user):
    ReviewFactory(comment="@SUM(A1)")
    client.force_login(staff_user)
    fields = ["project", "organization", "call", "reviewer", "public_benefit", "operability", "coverage", "comment"]
    data = {"resource": "0", "format": "1", **{f"reviewresource_{name}": "on" for name in fields}}
    response = client.post(reverse("admin:projects_review_export"), data)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["H2"].value == "'@SUM(A1)"
    assert sheet["H2"].data_type == "s"


def test_project_changes_are_recorded_with_who_and_what(client, staff_user):
    project = ProjectFactory(state=Project.State.IN_PROGRESS, is_brand=False)
    client.force_login(staff_user)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert page.status_code == 200
    project.is_brand = True
    project.save()
    latest, previous = project.history.all()[:2]
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(previous).changes}
    assert changes == {"is_brand": (False, True)}
    assert client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 200


def test_calls_and_needs_have_history():
    call = CallFactory()
    call.title = "Renamed"
    call.save()
    assert [record.title for record in call.history.all()][0] == "Renamed"
    assert call.history.count() == 2
    need = CommunityNeedFactory()
    CommunityNeed.objects.filter(pk=need.pk).update(state="closed")  # bulk updates are not recorded…
    need.refresh_from_db()
    need.save()  # …a saved change is
    assert [record.state for record in need.history.all()] == ["closed", "open"]
    assert Call.history.model._meta.db_table == "projects_historicalcall"


def test_staff_restore_an_earlier_review_in_the_admin(client, staff_user):
    review = ReviewFactory(public_benefit=4, operability=5, coverage=6, comment="Fine")
    review.public_benefit = 9
    review.comment = "Changed by mistake"
    review.save()
    original = review.history.earliest()
    client.force_login(staff_user)
    url = reverse("admin:projects_review_simple_history", args=[review.pk, original.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"public_benefit": 4, "operability": 5, "coverage": 6, "comment": "Fine"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.public_benefit, review.comment) == (4, "Fine")
    assert review.history.first().history_user == staff_user
