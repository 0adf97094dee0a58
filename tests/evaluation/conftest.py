import pytest
from django.contrib.auth.models import Group

from core.permissions import STAFF_GROUP
from tests.evaluation.factories import open_small_cycle
from tests.members.factories import UserFactory


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", first_name="Assessor Wu")


@pytest.fixture
def clerk(db):
    """Street-office staff in the group 街道工作人员 (no superuser)."""
    user = UserFactory(username="clerk", is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF_GROUP))
    return user


@pytest.fixture
def cycle(org, other_org, clerk):
    return open_small_cycle([org, other_org], acting_user=clerk)


@pytest.fixture
def dossier(cycle, org):
    return cycle.dossiers.get(organization=org)
