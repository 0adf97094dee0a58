import factory

from communities.models import CommunityAccount
from tests.members.factories import CommunityFactory, UserFactory


class CommunityAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityAccount

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = CommunityAccount.Role.ADMIN
