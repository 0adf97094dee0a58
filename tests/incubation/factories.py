from datetime import date

import factory

from incubation import services
from incubation.models import Cohort, Incubation, TeamFiling
from members.models import Organization
from tests.members.factories import CommunityFactory, OrganizationFactory

MEMBERS = "\n".join(f"Member {n}" for n in range(1, 13))


class TeamFactory(OrganizationFactory):
    org_type = Organization.Type.COMMUNITY_TEAM
    credit_code = None
    name = factory.Sequence(lambda n: f"Dance Team {n}")


class FilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamFiling
        skip_postgeneration_save = True

    organization = factory.SubFactory(TeamFactory)
    category = TeamFiling.Category.CULTURE_SPORTS
    member_names = MEMBERS
    leader_name = "Aunt Wang"
    leader_mobile = "13912345678"
    activity_time = "Tuesdays 9:00-11:00"
    activity_place = "Community hall"
    uses_model_charter = True

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create:
            self.communities.set(extracted or [CommunityFactory()])


def approved_filing(staff, **kwargs):
    """A filing the committee agreed to and staff approved."""
    filing = FilingFactory(status=TeamFiling.Status.COMMUNITY_REVIEWED, community_opinion="agree", **kwargs)
    return services.approve_filing(filing, acting_user=staff)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = date(2026, 3, 1)


def admitted(organization, staff, mentor=None, cohort=None, started_on=date(2026, 3, 1)):
    return services.admit_to_incubation(
        organization, cohort=cohort or CohortFactory(), started_on=started_on, mentor=mentor, acting_user=staff
    )


def at_stage(incubation, stage, staff):
    """Moves an incubation along the usual path up to `stage`."""
    path = [Incubation.Stage.INCUBATING, Incubation.Stage.ASSESSMENT]
    for step in path[: path.index(stage) + 1]:
        incubation = services.change_stage(incubation, step, reason="On plan.", acting_user=staff)
    return incubation
