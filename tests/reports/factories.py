from datetime import date

import factory

from evaluation.models import PartyOrganizationRecord
from members.models import MembershipChange, Organization
from projects.models import FundingSource, Project
from reports.models import ReportLabel, ReportTemplate
from tests.clock import shanghai
from tests.contracts.factories import ContractFactory
from tests.events.factories import EventFactory, EventReportFactory, completed_activity
from tests.members.factories import CommunityFactory, MembershipFactory
from tests.projects.factories import ProjectFactory


class ReportTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportTemplate

    name = factory.Sequence(lambda n: f"Template {n}")


class ReportLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportLabel

    template = factory.SubFactory(ReportTemplateFactory)
    key = "A.social_group"
    label = "Groups"


def quarter_data():
    """Fixed data around 2026-Q3 (the clock at 2026-10-15): an organization of each type, one new and one closed in
    the quarter, a member that withdrew in it, activities at the quarter's edges, a government-purchased and a brand
    project, one member with a party organization and one without an activity."""
    first, second = CommunityFactory(), CommunityFactory()
    old_group = MembershipFactory(
        organization__org_type=Organization.Type.SOCIAL_GROUP, organization__founded_on=date(2020, 5, 1),
        joined_on=date(2020, 6, 1),
    ).organization
    # Its party-building ledger (issue 19): a joint party organization since 2021.
    PartyOrganizationRecord.objects.create(organization=old_group, form="joint", on=date(2021, 3, 1), party_members=4)
    new_agency = MembershipFactory(
        organization__founded_on=date(2026, 8, 1), joined_on=date(2026, 8, 15),
    ).organization
    MembershipFactory(
        organization__org_type=Organization.Type.FOUNDATION, organization__founded_on=date(2018, 1, 1),
        organization__deregistered_on=date(2026, 9, 15), joined_on=date(2019, 1, 1), status="withdrawn",
        decided_at=shanghai(2026, 9, 15, 10),
    )
    team = MembershipFactory(
        organization__org_type=Organization.Type.COMMUNITY_TEAM, organization__credit_code=None,
        organization__founded_on=date(2026, 7, 10), joined_on=date(2026, 7, 20),
    ).organization
    left = MembershipFactory(
        organization__founded_on=date(2021, 1, 1), joined_on=date(2021, 2, 1), status="withdrawn",
        decided_at=shanghai(2026, 8, 20, 9),
    )
    MembershipChange.objects.create(
        membership=left, from_status="active", to_status="withdrawn", changed_at=shanghai(2026, 8, 20, 9),
    )
    # The quarter's last half hour, Shanghai time (15:30 UTC): in Q3.
    completed_activity(old_group, shanghai(2026, 9, 30, 23, 30), community=first, title="Late haircuts")
    completed_activity(new_agency, shanghai(2026, 7, 1, 0, 0), community=second, title="Early tea")
    completed_activity(new_agency, shanghai(2026, 10, 1, 0, 10), community=second, title="October tea")  # Q4
    completed_activity(old_group, shanghai(2026, 6, 30, 23, 59), community=first, title="June fair")  # Q2
    training = EventFactory(
        organization=None, kind="training", community=None, starts_at=shanghai(2026, 8, 5, 14),
        ends_at=shanghai(2026, 8, 5, 16), state="completed", title="Training for organizations",
    )
    EventReportFactory(event=training, attendance=30, volunteers=2, beneficiaries_served=0)
    meals = ProjectFactory(
        organization=old_group, state=Project.State.IN_PROGRESS, starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31),
        funding_source=FundingSource.GOVERNMENT_PURCHASE, funding_amount=50000, budget=60000, title="Elder meals",
    )
    # The purchased amount comes from the contract signed in Q3 (issue 22), not from the project's funding amount.
    ContractFactory(project=meals, signed_on=date(2026, 9, 30), starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31),
                    amount=50000)
    ProjectFactory(
        organization=new_agency, state=Project.State.COMPLETED, starts_on=date(2026, 3, 1), ends_on=date(2026, 8, 31),
        is_brand=True, funding_source=FundingSource.CHARITY, funding_amount=8000, budget=8000, title="Reading club",
    )
    return {"old_group": old_group, "new_agency": new_agency, "team": team, "communities": (first, second)}
