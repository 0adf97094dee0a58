"""Rows made once and shared by many tests, as Django's `TestCase.setUpTestData` does for a class.

`shared_rows()` opens a transaction that stays open for the fixture's scope (a module, a package) and is rolled
back at its end, so nothing it made outlives the tests that use it. Each test still runs inside its own
savepoint of that transaction (pytest-django's `db`), so whatever a test writes is undone after it and every
test sees the shared rows exactly as they were made. Hand tests deep copies of shared model instances
(`copy.deepcopy`): a test that changes an object in memory must not change it for the next test.
Only for tests in a transaction (`db`), never `transactional_db`: those commit, and empty the tables after.
"""

from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

# What tests/conftest.py sets for each test, also while the shared rows are made (a password hashed with the
# production hasher costs a second).
TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "LANGUAGE_CODE": "en",
    "AXES_ENABLED": False,
}


@contextmanager
def shared_rows(django_db_blocker, **settings):
    with django_db_blocker.unblock(), override_settings(**TEST_SETTINGS, **settings), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
