"""The evaluation in the demo (evaluation/demo.py): a finished cycle with published grades on several organizations
and one not assessed with its reason, an open cycle, the assessors' logins, a call requiring 3A that refuses the
2A elderly centre, and the party-building page with coverage and the 4f/3h counts."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation import demo as evaluation_demo
from evaluation.models import Cycle, Dossier
from members.models import Grade, Organization
from projects.models import Project
from projects.services import submit_project


def test_a_finished_cycle_with_grades_and_one_not_assessed(demo_world):
    finished = Cycle.objects.get(name=evaluation_demo.FINISHED_CYCLE)
    assert finished.is_published
    graded = Organization.objects.filter(grade__gt=0)
    assert graded.count() >= 5
    assert {o.name: o.get_grade_display() for o in graded}["长寿敬老志愿者服务中心"] == "2A"
    excluded = finished.dossiers.get(not_assessed_because__isnull=False)
    assert excluded.not_assessed_because.text == "未按规定参加年度检查（年报）"
    assert all(o.grade_valid_until and o.current_grade() for o in graded)


def test_an_open_cycle_and_the_assessors(demo_world, client):
    open_cycle = Cycle.objects.get(name=evaluation_demo.OPEN_CYCLE)
    assert open_cycle.is_self_scoring()
    assert Dossier.objects.filter(cycle=open_cycle, submitted_at__isnull=False).exists()
    assessor = get_user_model().objects.get(username="assessor")
    assert client.login(username="assessor", password="Changshou-2026")
    page = client.get(reverse("evaluation:assess-list"))
    assert page.status_code == 200 and "和谐长寿社区服务中心" in page.text
    assert Dossier.objects.assigned_to(assessor).filter(cycle=open_cycle).count() == 2


def test_the_food_bank_sees_its_dossier_with_evidence_and_its_grade_on_its_page(demo_world, client):
    client.login(username="org@changshou.demo", password="Changshou-2026")
    dossier = Dossier.objects.get(cycle__name=evaluation_demo.OPEN_CYCLE, organization__name=evaluation_demo.FOOD_BANK)
    page = client.get(reverse("evaluation:manage-detail", args=[dossier.pk]))
    assert page.status_code == 200 and "months met" in page.text
    food_bank = Organization.objects.get(name=evaluation_demo.FOOD_BANK)
    assert f"4A · valid until {food_bank.grade_valid_until:%Y-%m}" in client.get(food_bank.get_absolute_url()).text


def test_the_call_requiring_3a_refuses_the_2a_elderly_centre(demo_world):
    draft = Project.objects.get(call__title=evaluation_demo.GRADED_CALL, organization__name=evaluation_demo.ELDERLY)
    assert draft.call.minimum_grade == Grade.A3
    with pytest.raises(ValidationError, match="3A"):
        submit_project(draft, acting_user=draft.organization.accounts.first().user)


def test_the_party_building_page_shows_coverage_and_counts(demo_world, client):
    client.force_login(get_user_model().objects.get(username="staff"))
    page = client.get(reverse("evaluation:party-building"))
    assert page.status_code == 200
    assert "/ 100" in page.text or "/ 99" in page.text
    assert "Consultation" in page.text and "Project promotion" in page.text


def test_the_demo_is_safe_to_run_twice(demo_world):
    counts = (Cycle.objects.count(), Dossier.objects.count(), Organization.objects.filter(grade__gt=0).count())
    evaluation_demo.seed()
    assert (Cycle.objects.count(), Dossier.objects.count(), Organization.objects.filter(grade__gt=0).count()) == counts
