from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incubation.models import Incubation, Milestone, TeamFiling
from members.models import Membership, Organization
from tests.communities.factories import CommunityAccountFactory
from tests.incubation.factories import (
    MEMBERS,
    CohortFactory,
    FilingFactory,
    TeamFactory,
    admitted,
    approved_filing,
    at_stage,
)
from tests.members.factories import CommunityFactory, OrganizationAccountFactory, UserFactory, valid_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 6, 10, 9)]


@pytest.fixture
def group_staff(db):
    """Staff through the group 街道工作人员 (incubation migration 0002), not a superuser."""
    from django.contrib.auth.models import Group

    from core.permissions import STAFF_GROUP

    user = UserFactory(username="street-staff", is_staff=True)
    Group.objects.get(name=STAFF_GROUP).user_set.add(user)
    return user


def filing_data(community, members=MEMBERS, **extra):
    return {
        "account-full_name": "Aunt Wang", "account-email": "wang@example.org",
        "account-password1": "a-Strong-test-password-1", "account-password2": "a-Strong-test-password-1",
        "team-name": "Changshou Tea Dance Team", "team-summary": "Dancing on the square.",
        "filing-category": "culture_sports", "filing-member_names": members, "filing-leader_name": "Aunt Wang",
        "filing-leader_mobile": "13912345678", "filing-activity_time": "Tuesdays 9:00",
        "filing-activity_place": "Square", "filing-communities": [community.pk], "filing-uses_model_charter": "on",
        **extra,
    }


def test_the_join_page_points_community_teams_to_filing(client):
    assert reverse("incubation:file") in client.get(reverse("members:join")).content.decode()


def test_fewer_than_ten_members_is_a_form_error(client):
    community = CommunityFactory()
    response = client.post(reverse("incubation:file"), filing_data(community, members="\n".join("abcdefghi")))
    assert response.status_code == 200
    assert "at least 10 members" in response.content.decode()
    assert not Organization.objects.filter(name="Changshou Tea Dance Team").exists()


def test_a_charter_is_uploaded_or_the_model_one_used(client):
    community = CommunityFactory()
    data = filing_data(community)
    del data["filing-uses_model_charter"]
    response = client.post(reverse("incubation:file"), data)
    assert "model charter" in response.content.decode() and not TeamFiling.objects.exists()
    data["filing-charter"] = SimpleUploadedFile("charter.pdf", b"%PDF-1.4 charter", "application/pdf")
    assert client.post(reverse("incubation:file"), data).status_code == 302
    assert TeamFiling.objects.get().charter


def test_done_when_a_team_files_is_approved_admitted_ticks_off_graduates_and_applies(client, group_staff):
    """The issue's "Done when", step by step through the pages."""
    community = CommunityFactory()
    committee = CommunityAccountFactory(community=community)
    mentor = OrganizationAccountFactory(organization__name="Mentor Org").user
    Membership.objects.create(organization=mentor.org_account.organization, status="active")
    cohort = CohortFactory(name="Cohort 2026")

    # 1. A team files with 12 members.
    response = client.post(reverse("incubation:file"), filing_data(community))
    assert response.status_code == 302 and response.url == reverse("incubation:manage")
    filing = TeamFiling.objects.get()
    team_user = filing.organization.accounts.get().user
    assert len(filing.members) == 12 and filing.status == TeamFiling.Status.SUBMITTED

    # 2. The community gives its opinion.
    client.force_login(committee.user)
    page = client.get(reverse("incubation:community-filings"))
    assert list(page.context["pending"]) == [filing]
    response = client.post(reverse("incubation:community-filing", args=[filing.pk]), {"opinion": "agree"})
    assert response.status_code == 302

    # 3. Staff approve: the number and the certificate.
    client.force_login(group_staff)
    assert list(client.get(reverse("incubation:staff")).context["to_decide"]) == [filing]
    response = client.post(reverse("incubation:staff-filing", args=[filing.pk]), {"decision": "approve"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.number == "CS-BA-2026-001"
    client.force_login(team_user)
    certificate = client.get(reverse("incubation:manage-certificate"))
    assert certificate.status_code == 200 and "CS-BA-2026-001" in certificate.content.decode()

    # 4. Staff admit it to the base with a mentor.
    client.force_login(group_staff)
    response = client.post(
        reverse("incubation:staff-admit"),
        {"organization": filing.organization_id, "cohort": cohort.pk, "started_on": "2026-06-10",
         "mentor": mentor.pk},
    )
    incubation = Incubation.objects.get()
    assert response.status_code == 302 and incubation.mentor == mentor

    # 5. It ticks off milestones; the mentor confirms.
    client.force_login(team_user)
    milestone = incubation.milestones.first()
    client.post(reverse("incubation:manage-tick", args=[milestone.pk]), {"evidence": "Charter adopted."})
    client.force_login(mentor)
    assert milestone.title in client.get(reverse("incubation:mentoring")).content.decode()
    client.post(reverse("incubation:mentoring-confirm", args=[milestone.pk]))
    assert Milestone.objects.get(pk=milestone.pk).is_confirmed

    # 6. With a credit code it graduates and changes type.
    client.force_login(group_staff)
    url = reverse("incubation:staff-incubation", args=[incubation.pk])
    for stage in ("incubating", "assessment"):
        assert client.post(url, {"stage": stage, "reason": "On plan."}).status_code == 302
    client.post(
        reverse("incubation:staff-graduate", args=[incubation.pk]),
        {"credit_code": valid_credit_code(42), "org_type": "social_group", "registered_on": "2026-06-01",
         "registration_authority": "Putuo civil affairs"},
    )
    team = Organization.objects.get(pk=filing.organization_id)
    assert team.org_type == "social_group" and team.credit_code == valid_credit_code(42)

    # 7. It applies for membership from the prefilled form.
    client.force_login(team_user)
    page = client.get(reverse("incubation:manage"))
    note = page.context["apply_form"].initial["note"]
    assert "CS-BA-2026-001" in note
    response = client.post(reverse("incubation:manage-apply"), {"note": note})
    assert response.status_code == 302 and team.membership.status == Membership.Status.APPLIED

    # 8. /incubator/ lists the graduate; the organization page says so; /stats/ shows the pipeline.
    client.logout()
    assert team.name in client.get(reverse("incubation:index")).content.decode()
    detail = client.get(team.get_absolute_url()).content.decode()
    assert "Incubation base graduate (2026)" in detail
    stats = client.get(reverse("stats"))
    chart = next(chart for chart in stats.context["charts"] if chart["id"] == "incubation")
    assert chart


def test_a_committee_cannot_see_another_communitys_filing(client):
    filing = FilingFactory()
    client.force_login(CommunityAccountFactory().user)
    assert client.get(reverse("incubation:community-filing", args=[filing.pk])).status_code == 404
    assert list(client.get(reverse("incubation:community-filings")).context["pending"]) == []


def test_another_organizations_milestone_is_a_404(client, org_user, staff_user):
    incubation = admitted(TeamFactory(), staff_user)
    client.force_login(org_user)
    url = reverse("incubation:manage-tick", args=[incubation.milestones.first().pk])
    assert client.post(url, {"evidence": "x"}).status_code == 404


def test_only_the_mentor_confirms(client, org_user, staff_user):
    incubation = admitted(TeamFactory(), staff_user, mentor=UserFactory())
    client.force_login(org_user)
    url = reverse("incubation:mentoring-confirm", args=[incubation.milestones.first().pk])
    assert client.post(url).status_code == 404


def test_an_invalid_credit_code_is_refused_with_a_message(client, staff_user):
    incubation = at_stage(admitted(TeamFactory(), staff_user), Incubation.Stage.ASSESSMENT, staff_user)
    client.force_login(staff_user)
    response = client.post(
        reverse("incubation:staff-graduate", args=[incubation.pk]),
        {"credit_code": "123", "org_type": "social_group", "registered_on": "2026-06-01",
         "registration_authority": "x"}, follow=True,
    )
    assert "18 characters" in response.content.decode()
    assert Incubation.objects.get().stage == Incubation.Stage.ASSESSMENT


def test_a_filed_team_re_confirms_in_the_portal(client, staff_user, clock):
    filing = approved_filing(staff_user)
    user = OrganizationAccountFactory(organization=filing.organization, role="admin").user
    client.force_login(user)
    assert "Confirm: the team is still active" not in client.get(reverse("incubation:manage")).content.decode()
    clock.move_to(2027, 5, 20, 9)
    client.force_login(user)  # the session of a year ago has expired
    assert "Confirm: the team is still active" in client.get(reverse("incubation:manage")).content.decode()
    client.post(reverse("incubation:manage-confirm"))
    filing.refresh_from_db()
    assert filing.confirm_by == date(2028, 6, 10)


def _incubations(count, staff, cohort):
    for _ in range(count):
        incubation = admitted(approved_filing(staff).organization, staff, cohort=cohort, started_on=date(2026, 1, 1))
        incubation.organization.service_fields.set([])


@pytest.mark.parametrize("count", [1, 5])
def test_the_public_page_has_a_fixed_number_of_queries(client, staff_user, count, django_assert_num_queries,
                                                        no_page_cache):
    _incubations(count, staff_user, CohortFactory())
    with django_assert_num_queries(6):
        client.get(reverse("incubation:index"))


@pytest.mark.parametrize("count", [1, 5])
def test_the_staff_page_has_a_fixed_number_of_queries(client, staff_user, count, django_assert_num_queries):
    _incubations(count, staff_user, CohortFactory())
    FilingFactory(status=TeamFiling.Status.COMMUNITY_REVIEWED)
    client.force_login(staff_user)
    client.get(reverse("incubation:staff"))
    with django_assert_num_queries(16):
        client.get(reverse("incubation:staff"))


@pytest.mark.parametrize("count", [1, 5])
def test_the_committees_list_has_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    account = CommunityAccountFactory()
    for _ in range(count):
        FilingFactory(communities=[account.community])
    client.force_login(account.user)
    client.get(reverse("incubation:community-filings"))
    with django_assert_num_queries(7):
        client.get(reverse("incubation:community-filings"))


@pytest.mark.parametrize("count", [1, 3])
def test_the_mentors_page_has_a_fixed_number_of_queries(client, staff_user, count, django_assert_num_queries):
    mentor = UserFactory()
    for _ in range(count):
        admitted(TeamFactory(), staff_user, mentor=mentor)
    client.force_login(mentor)
    client.get(reverse("incubation:mentoring"))
    with django_assert_num_queries(7):
        client.get(reverse("incubation:mentoring"))


def test_staff_log_a_session_of_support_and_the_organization_sees_it(client, group_staff, staff_user):
    incubation = admitted(TeamFactory(), staff_user)
    client.force_login(group_staff)
    url = reverse("incubation:staff-session", args=[incubation.pk])
    client.post(url, {"kind": "support", "on": "2026-06-01", "hours": "2", "note": "Found a room"})
    client.post(url, {"kind": "support", "on": "2026-06-01", "hours": "0"})  # refused: a message, nothing logged
    page = client.get(reverse("incubation:staff-incubation", args=[incubation.pk]))
    assert [s.note for s in page.context["sessions"]] == ["Found a room"]
    user = OrganizationAccountFactory(organization=incubation.organization, role="admin").user
    client.force_login(user)
    assert "Found a room" in client.get(reverse("incubation:manage")).content.decode()


def test_a_team_applies_to_the_base_from_its_portal_and_staff_see_it(client, staff_user):
    filing = approved_filing(staff_user)
    user = OrganizationAccountFactory(organization=filing.organization, role="admin").user
    client.force_login(user)
    assert client.get(reverse("incubation:manage")).context["base_form"] is not None
    client.post(reverse("incubation:manage-apply-base"), {"note": "We need help with our accounts."})
    incubation = Incubation.objects.get(organization=filing.organization)
    assert incubation.stage == Incubation.Stage.APPLIED
    assert client.get(reverse("incubation:manage")).context["base_form"] is None
    client.force_login(staff_user)
    admit = client.get(reverse("incubation:staff-admit"), {"organization": filing.organization_id})
    assert filing.organization in admit.context["form"].fields["organization"].queryset
    assert incubation in client.get(reverse("incubation:staff")).context["incubations"]
