"""The demo world has the shape of the news report, in the figures every page shows (stats.figures)."""

from datetime import date

from members import demo as members_demo
from members.models import Organization
from stats import figures


def test_demo_figures_follow_the_report(demo_world):
    today = figures.local_today()
    founded, mid_2016, mid_2017 = date(2016, 7, 1), date(2016, 6, 30), date(2017, 6, 30)

    # 64 founding members in July 2016, about 100 today.
    members = figures.members_on([founded, today])
    assert members[founded] == 64
    assert 95 <= members[today] <= 105

    # Registered organizations grow about 30 % a year to 160 by June 2017; the government-funded share falls from
    # about half (2012) to about a fifth (from 2017 on).
    organizations = figures.organizations_on([date(2012, 12, 31), mid_2016, mid_2017, today])
    assert organizations[mid_2017][0] == 160
    assert 1.25 <= organizations[mid_2017][0] / organizations[mid_2016][0] <= 1.35
    rows = {row["year"]: row for row in figures.organizations_by_year(until=2017)}
    assert all(25 <= rows[year]["growth"] <= 35 for year in range(2013, 2017))
    def share(day):
        registered, funded = organizations[day]
        return figures.percentage(funded, registered)

    assert 45 <= share(date(2012, 12, 31)) <= 55
    assert 18 <= share(mid_2017) <= 22
    assert 18 <= share(today) <= 22

    # The directory holds exactly the organizations the figures count (and the filed community teams besides).
    directory = Organization.objects.for_directory()
    assert directory.exclude(org_type=Organization.Type.COMMUNITY_TEAM).count() == organizations[today][0]
    assert directory.filter(org_type=Organization.Type.COMMUNITY_TEAM).exists()
    assert directory.filter(membership__status="active").count() == members[today]

    # Safe to run twice: nothing is added.
    members_demo.seed()
    assert figures.members_on([today])[today] == members[today]
    assert figures.organizations_on([today])[today] == organizations[today]


def test_the_demo_pages_show_the_same_figures(client, staff_user, demo_world):
    from django.urls import reverse

    from tests.stats.test_consistency import cards, charts_figures

    home = cards(client.get(reverse("home")))
    assert home["organizations"] == str(figures.headline_figures()["organizations"])
    about = client.get(reverse("members:about")).content.decode()
    assert f"The federation has {home['members']} member organizations." in about
    statistics = client.get(reverse("stats"))
    assert cards(statistics) == home
    assert charts_figures(statistics) == {key: home[key] for key in charts_figures(statistics)}
    client.force_login(staff_user)
    assert cards(client.get(reverse("stats:staff"))) == home
