"""Fixtures of the projects tests: a reviewer, calls in each state, proposals of `org`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import Call, Project
from tests.members.factories import UserFactory

from .factories import CallFactory, ProjectFactory


@pytest.fixture
def reviewer(db):
    """A reviewer who works for no organization."""
    return UserFactory(username="reviewer", first_name="Professor Sun")


@pytest.fixture
def open_call(reviewer):
    return CallFactory(title="Community projects 2026", reviewers=[reviewer])


@pytest.fixture
def closed_call(reviewer):
    """Still in state open, but its deadline has passed."""
    return CallFactory(
        title="Late call",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(minutes=1),
        reviewers=[reviewer],
    )


@pytest.fixture
def reviewing_call(reviewer):
    return CallFactory(
        title="Call under review",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
        state=Call.State.REVIEWING,
        reviewers=[reviewer],
    )


@pytest.fixture
def draft(org, open_call):
    return ProjectFactory(organization=org, call=open_call, title="Shared fridge on every floor")


@pytest.fixture
def proposal(org, reviewing_call):
    """A proposal of `org` under review."""
    return ProjectFactory(
        organization=org, call=reviewing_call, title="Night pick-up point", state=Project.State.UNDER_REVIEW
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password for every user; the fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
