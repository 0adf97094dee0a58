from datetime import timedelta

import factory
from django.utils import timezone

from members.models import ServiceField
from projects.models import Call, CommunityNeed, NeedResponse, ProgressUpdate, Project, Review
from tests.members.factories import CommunityFactory, OrganizationFactory, UserFactory


class CallFactory(factory.django.DjangoModelFactory):
    """An open call accepting proposals for ten more days."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Call for proposals {n}")
    description = "Projects for the communities of Changshou Road."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    state = Call.State.OPEN

    @factory.post_generation
    def reviewers(self, create, extracted, **kwargs):
        if create and extracted:
            self.reviewers.set(extracted)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft proposal of a fresh organization."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "Helping neighbours."
    service_field = ServiceField.Code.ELDERLY
    state = Project.State.DRAFT

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)


class PublicProjectFactory(ProjectFactory):
    state = Project.State.IN_PROGRESS


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    project = factory.SubFactory(ProjectFactory, state=Project.State.UNDER_REVIEW)
    reviewer = factory.SubFactory(UserFactory)
    public_benefit = 5
    operability = 5
    coverage = 5


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(PublicProjectFactory)
    text = "We served lunch."
    beneficiaries_reached = 10


class CommunityNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityNeed

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Need {n}")
    description = "Lonely elderly residents need visits."
    service_field = ServiceField.Code.ELDERLY


class NeedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedResponse

    need = factory.SubFactory(CommunityNeedFactory)
    organization = factory.SubFactory(OrganizationFactory)
    message = "We can help."
