import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.validators import credit_code_check_character
from members.models import Community, Membership, Organization, OrganizationAccount

PASSWORD = "a-Strong-test-password-1"


def valid_credit_code(n):
    body = f"52310107{n:09d}"
    return body + credit_code_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.LazyAttribute(lambda u: u.username if "@" in u.username else f"{u.username}@example.org")
    first_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    code = factory.Sequence(lambda n: f"T{n:03d}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    org_type = Organization.Type.SERVICE_AGENCY
    credit_code = factory.Sequence(valid_credit_code)
    summary = "Serving the community."
    email = factory.Sequence(lambda n: f"org{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    status = Membership.Status.ACTIVE
    joined_on = factory.LazyFunction(timezone.localdate)


class OrganizationAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationAccount

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = OrganizationAccount.Role.ADMIN
