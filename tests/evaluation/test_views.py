"""The evaluation through its pages, step by step as issue 19's "Done when": staff open a cycle on the default
scheme; the organization fills in its self-score and sees the evidence from its own records; the assessor scores;
staff publish; the organization page shows the grade and its validity; a call requiring 3A refuses a 2A
organization. Scoping: another organization's dossier is a 404, a dossier not assigned is a 404, an assessor who
works for the organization is refused. Query counts of the list pages at two data sizes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.dossiers import entries_of
from evaluation.models import Cycle, Dossier
from evaluation.schemes import install_default_schemes
from members.models import Grade
from tests.evaluation.factories import open_small_cycle, small_scheme
from tests.events.factories import completed_activity
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory
from tests.projects.factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def formset_data(dossier, values):
    """POST data of a dossier's formset: `values` maps a leaf code to the fields of its form."""
    rows = list(entries_of(dossier))
    data = {
        "form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for index, entry in enumerate(rows):
        data[f"form-{index}-id"] = entry.pk
        for name, value in values.get(entry.indicator.code, {}).items():
            data[f"form-{index}-{name}"] = value
    return data


@pytest.mark.clock(2026, 11, 20, 10)
def test_done_when_open_fill_assess_publish_show_and_refuse(client, clerk, org, org_user, other_org, assessor):
    grade_scheme, _ = install_default_schemes()
    org.membership.joined_on = datetime.date(2025, 1, 1)
    org.membership.save()
    completed_activity(org, datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC))

    # 1. Staff open a cycle on the default scheme.
    client.force_login(clerk)
    response = client.post(reverse("evaluation:cycle-open"), {
        "scheme": grade_scheme.pk, "name": "2026年度等级评估", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "deadline": "2026-12-20T17:00", "organizations": [org.pk, other_org.pk],
    })
    cycle = Cycle.objects.get(name="2026年度等级评估")
    assert response.status_code == 302 and response.url == reverse("evaluation:cycle", args=[cycle.pk])
    dossier = cycle.dossiers.get(organization=org)
    assert dossier.entries.count() == 15

    # 2. The organization fills in its self-score and sees its evidence from its own records.
    client.force_login(org_user)
    page = client.get(reverse("evaluation:manage-detail", args=[dossier.pk]))
    assert page.status_code == 200
    assert "From the portal&#x27;s records:" in page.text or "From the portal's records:" in page.text
    assert "1/10 months met" in page.text  # March met, of January to October (November is in progress)
    assert "15 indicators have no self-score yet." in page.text
    scores = {entry.indicator.code: {"self_score": str(entry.indicator.max_points), "evidence_text": "台账"}
              for entry in dossier.entries.select_related("indicator")}
    response = client.post(reverse("evaluation:manage-detail", args=[dossier.pk]),
                           {**formset_data(dossier, scores), "submit": "1"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.self_total == 1000 and dossier.submitted_at is not None

    # 3. An assessor scores it (staff assign the assessor in the admin).
    client.force_login(clerk)
    client.post(reverse("admin:evaluation_dossier_change", args=[dossier.pk]), {
        "assessor": assessor.pk, "not_assessed_because": "", "not_assessed_note": "",
        "entries-TOTAL_FORMS": 0, "entries-INITIAL_FORMS": 0,
    })
    dossier.refresh_from_db()
    assert dossier.assessor == assessor
    client.force_login(assessor)
    assert client.get(reverse("evaluation:assess-list")).status_code == 200
    marks = {entry.indicator.code: {"score": str(entry.indicator.max_points)}
             for entry in dossier.entries.select_related("indicator")}
    marks["3.1.1"] = {"score": "100", "reason": "两个月未达标"}  # 1000 - 20 - 60 - 50 = 870: 3A
    marks["3.1.2"] = {"score": "70", "reason": "无品牌项目"}
    marks["2.2.1"] = {"score": "30", "reason": "制度不全"}
    response = client.post(reverse("evaluation:assess-dossier", args=[dossier.pk]),
                           {**formset_data(dossier, marks), "finish": "1"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.total, dossier.result_label) == (Decimal(870), "3A")

    # 4. Staff publish (the other organization was not assessed: missed the annual inspection).
    client.force_login(clerk)
    other = cycle.dossiers.get(organization=other_org)
    other.not_assessed_because = grade_scheme.eligibility_criteria.first()
    client.post(reverse("admin:evaluation_dossier_change", args=[other.pk]), {
        "assessor": "", "not_assessed_because": other.not_assessed_because.pk, "not_assessed_note": "逾期",
        "entries-TOTAL_FORMS": 0, "entries-INITIAL_FORMS": 0,
    })
    response = client.post(reverse("evaluation:cycle-publish", args=[cycle.pk]), follow=True)
    assert "The results are published." in response.text
    org.refresh_from_db()
    assert (org.grade, org.grade_valid_until) == (Grade.A3, datetime.date(2031, 11, 20))

    # 5. The organization page shows its grade and validity; the organization sees its scores.
    page = client.get(org.get_absolute_url())
    assert "3A · valid until 2031-11" in page.text
    client.force_login(org_user)
    page = client.get(reverse("evaluation:manage-detail", args=[dossier.pk]))
    assert "Result: 3A (870.0 points), valid until 2031-11-20." in page.text and "制度不全" in page.text

    # 6. A call requiring 3A refuses a 2A organization.
    org.grade = Grade.A2
    org.save()
    call = CallFactory(minimum_grade=Grade.A3)
    project = ProjectFactory(organization=org, call=call)
    response = client.post(reverse("projects:manage-submit", args=[project.pk]), follow=True)
    assert "This call requires a grade of 3A or above." in response.text
    project.refresh_from_db()
    assert project.state == "draft"


def test_the_call_page_says_which_grade_it_requires(client):
    call = CallFactory(minimum_grade=Grade.A3)
    assert "3A or above" in client.get(call.get_absolute_url()).text


def test_another_organizations_dossier_is_a_404(client, cycle, other_org_user, dossier):
    client.force_login(other_org_user)
    assert client.get(reverse("evaluation:manage-detail", args=[dossier.pk])).status_code == 404


def test_an_assessor_sees_only_assigned_dossiers_and_never_of_their_own_organization(
    client, cycle, dossier, assessor, clerk, org
):
    from evaluation import services

    services.assign_assessor(dossier, assessor, acting_user=clerk)
    other = cycle.dossiers.exclude(pk=dossier.pk).get()
    client.force_login(assessor)
    assert client.get(reverse("evaluation:assess-dossier", args=[dossier.pk])).status_code == 200
    assert client.get(reverse("evaluation:assess-dossier", args=[other.pk])).status_code == 404
    OrganizationAccountFactory(user=assessor, organization=org)  # later joined the organization
    assert client.get(reverse("evaluation:assess-dossier", args=[dossier.pk])).status_code == 403


def test_the_organization_cannot_change_a_submitted_self_assessment(client, dossier, org_user):
    from evaluation import services

    services.submit_self_assessment(dossier, acting_user=org_user)
    client.force_login(org_user)
    response = client.post(
        reverse("evaluation:manage-detail", args=[dossier.pk]), formset_data(dossier, {"1.1": {"self_score": "5"}}),
        follow=True,
    )
    assert "can no longer be changed" in response.text
    assert Dossier.objects.get(pk=dossier.pk).self_total is None


def test_the_staff_list_shows_grades_expiring_within_90_days(client, clerk, clock):
    clock.move_to(2026, 11, 20, 10)
    soon = OrganizationFactory(name="Expiring soon", grade=Grade.A4, grade_valid_until=datetime.date(2027, 1, 31))
    OrganizationFactory(name="Valid for long", grade=Grade.A4, grade_valid_until=datetime.date(2030, 1, 31))
    client.force_login(clerk)
    page = client.get(reverse("evaluation:cycles"))
    assert soon.name in page.text and "Valid for long" not in page.text


def _more_cycles(n, clerk, scheme):
    for i in range(n):
        organization = OrganizationFactory()
        MembershipFactory(organization=organization)
        open_small_cycle([organization], scheme=scheme, acting_user=clerk, name=f"Extra {i}")


@pytest.mark.parametrize("extra", [0, 3])
def test_the_list_pages_take_the_same_queries_whatever_their_length(
    client, clerk, org, org_user, assessor, extra, django_assert_num_queries, no_page_cache
):
    from evaluation import services

    scheme = small_scheme()
    for i in range(1 + extra):
        cycle = open_small_cycle([org], scheme=scheme, acting_user=clerk, name=f"Cycle {i}")
        services.assign_assessor(cycle.dossiers.get(), assessor, acting_user=clerk)
    _more_cycles(extra, clerk, scheme)
    client.force_login(org_user)
    client.get(reverse("evaluation:manage-list"))  # warm the session
    with django_assert_num_queries(6):
        assert client.get(reverse("evaluation:manage-list")).status_code == 200
    client.force_login(assessor)
    client.get(reverse("evaluation:assess-list"))
    with django_assert_num_queries(6):
        assert client.get(reverse("evaluation:assess-list")).status_code == 200
    client.force_login(clerk)
    client.get(reverse("evaluation:cycles"))
    with django_assert_num_queries(9):
        assert client.get(reverse("evaluation:cycles")).status_code == 200


def test_an_evidence_file_is_uploaded_and_read_by_the_organization_and_its_assessor(
    client, dossier, org_user, other_org_user, assessor, clerk
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluation import services

    services.assign_assessor(dossier, assessor, acting_user=clerk)
    client.force_login(org_user)
    upload = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger", content_type="application/pdf")
    data = formset_data(dossier, {"1.1": {"self_score": "50"}})
    page = reverse("evaluation:manage-detail", args=[dossier.pk])
    response = client.post(page, {**data, "form-0-evidence_file": upload})
    assert response.status_code == 302
    entry = dossier.entries.get(indicator__code="1.1")
    assert entry.evidence_file.name.endswith(".pdf") and "台账" not in entry.evidence_file.name
    url = reverse("evaluation:evidence-file", args=[entry.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 ledger"
    client.force_login(assessor)
    assert client.get(url).status_code == 200
    client.force_login(other_org_user)
    assert client.get(url).status_code == 404
    client.force_login(org_user)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(page, {**data, "form-0-evidence_file": bad})
    assert response.status_code == 200 and "not allowed" in response.text
