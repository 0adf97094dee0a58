"""The incubation base in the demo, and the issue's "Done when" walked through with the demo's accounts."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from incubation import demo as incubation_demo
from incubation.models import Cohort, Incubation, TeamFiling
from members.models import Community, Membership, Organization
from tests.incubation.test_views import filing_data
from tests.members.factories import valid_credit_code

MEMBERS = "\n".join(["王建国", "李秀英", "张桂兰", "刘玉珍", "陈凤英", "杨志强", "黄丽华", "赵淑珍", "吴海燕",
                     "周明华", "徐文杰", "孙雪梅"])


def test_the_demo_has_filed_teams_a_cohort_of_six_graduates_and_lapsed_filings(demo_world):
    counts = (TeamFiling.objects.count(), Incubation.objects.count())
    incubation_demo.seed()
    assert (TeamFiling.objects.count(), Incubation.objects.count()) == counts  # safe to run twice

    assert 28 <= TeamFiling.objects.count() <= 32
    assert TeamFiling.objects.values("communities").distinct().count() >= 10  # across the communities
    assert TeamFiling.objects.lapsed().count() == 2
    assert TeamFiling.objects.awaiting_community().exists() and TeamFiling.objects.awaiting_decision().exists()
    assert Incubation.objects.filter(stage=Incubation.Stage.APPLIED).count() == 1  # for the next cohort
    cohort = Cohort.objects.current()
    current = Incubation.objects.active().filter(cohort=cohort)
    assert current.count() == 6
    # Milestones at different stages: none confirmed for the newest, several for the furthest along.
    confirmed = sorted(i.milestones.filter(confirmed_at__isnull=False).count() for i in current)
    assert confirmed[0] == 0 and confirmed[-1] >= 4 and len(set(confirmed)) >= 4
    # Sessions of support in the 4f log (members.SupportSession) for every organization of the cohort.
    assert all(i.organization.support_sessions.filter(kind="incubation").exists() for i in current)
    graduates = Incubation.objects.graduated()
    assert graduates.count() == 3
    assert all(g.graduated_on.year < cohort.starts_on.year + 1 and g.cohort != cohort for g in graduates)
    assert Organization.objects.filter(incubation_status="graduated").count() == 3


def test_done_when_in_the_demo(demo_world, client):
    """A team files with 12 members, the community and staff approve it and it gets its number and certificate;
    staff admit it to the base with a mentor; it ticks off milestones; with a credit code it graduates, changes
    type and applies for membership; /incubator/ and /stats/ show the pipeline."""
    User = get_user_model()
    staff, mentor = User.objects.get(username="staff"), User.objects.get(username="elderly@changshou.demo")
    community = Community.objects.get(code="CS01")
    client.post(reverse("incubation:file"), filing_data(
        community, MEMBERS, **{
            "account-email": "dance@changshou.demo", "team-name": "长寿晨练太极团队",
            "team-summary": "每天清晨在公园练太极。", "filing-activity_place": "长寿公园",
        }
    ))
    filing = TeamFiling.objects.get(organization__name="长寿晨练太极团队")
    team_user = User.objects.get(username="dance@changshou.demo")

    client.force_login(User.objects.get(username="cs01-jwh"))
    client.post(reverse("incubation:community-filing", args=[filing.pk]), {"opinion": "agree", "note": "情况属实"})
    client.force_login(staff)
    client.post(reverse("incubation:staff-filing", args=[filing.pk]), {"decision": "approve"})
    filing.refresh_from_db()
    assert filing.status == TeamFiling.Status.APPROVED and filing.number.startswith("CS-BA-")
    client.force_login(team_user)
    assert filing.number in client.get(reverse("incubation:manage-certificate")).content.decode()

    client.force_login(staff)
    client.post(reverse("incubation:staff-admit"), {
        "organization": filing.organization_id, "cohort": Cohort.objects.current().pk,
        "started_on": filing.filed_on.isoformat(), "mentor": mentor.pk,
    })
    incubation = Incubation.objects.get(organization=filing.organization)
    assert incubation.mentor == mentor

    for milestone in incubation.milestones.all()[:2]:
        client.force_login(team_user)
        client.post(reverse("incubation:manage-tick", args=[milestone.pk]), {"evidence": "材料已提交。"})
        client.force_login(mentor)
        client.post(reverse("incubation:mentoring-confirm", args=[milestone.pk]))
    assert incubation.milestones.filter(confirmed_at__isnull=False).count() == 2

    client.force_login(staff)
    url = reverse("incubation:staff-incubation", args=[incubation.pk])
    for stage in ("incubating", "assessment"):
        client.post(url, {"stage": stage, "reason": "按计划。"})
    client.post(reverse("incubation:staff-graduate", args=[incubation.pk]), {
        "credit_code": valid_credit_code(987654), "org_type": "social_group",
        "registered_on": filing.filed_on.isoformat(), "registration_authority": "普陀区民政局",
    })
    team = Organization.objects.get(pk=filing.organization_id)
    assert team.org_type == "social_group" and team.is_incubation_graduate
    assert "community_team" in team.history.values_list("org_type", flat=True)

    client.force_login(team_user)
    note = client.get(reverse("incubation:manage")).context["apply_form"].initial["note"]
    client.post(reverse("incubation:manage-apply"), {"note": note})
    assert Membership.objects.get(organization=team).status == Membership.Status.APPLIED

    client.logout()
    incubator = client.get(reverse("incubation:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "长寿晨练太极团队" in incubator and "已出壳组织" in incubator
    page = client.get(team.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"孵化基地出壳（{team.graduated_on.year}）" in page
    stats = client.get(reverse("stats"))
    chart = next(chart for chart in stats.context["charts"] if chart["id"] == "incubation")
    assert chart
    client.force_login(staff)
    pipeline = client.get(reverse("incubation:staff")).context
    assert dict(pipeline["stages"])[Incubation.Stage.GRADUATED] == 4
    assert pipeline["lapsed"].count() == 2 and pipeline["overdue"]
