"""Schemes in the admin: editable until a cycle uses them, then read-only and copied to a new version; the dossier
admin assigns assessors under the conflict rule."""

import pytest
from django.urls import reverse

from evaluation.models import Scheme
from tests.evaluation.factories import small_scheme

pytestmark = pytest.mark.django_db


def test_a_scheme_in_use_is_read_only_and_copied_to_a_new_version(client, clerk, cycle):
    client.force_login(clerk)
    unused = small_scheme(name="Unused")
    assert 'name="name"' in client.get(reverse("admin:evaluation_scheme_change", args=[unused.pk])).text
    page = client.get(reverse("admin:evaluation_scheme_change", args=[cycle.scheme.pk]))
    assert page.status_code == 200 and 'name="name"' not in page.text  # view only

    client.post(reverse("admin:evaluation_scheme_changelist"), {
        "action": "copy_as_new_version", "_selected_action": [cycle.scheme.pk],
    })
    assert Scheme.objects.filter(name=cycle.scheme.name, version=2).exists()


def test_the_dossier_admin_refuses_an_assessor_of_the_organization(client, clerk, dossier, org_user):
    client.force_login(clerk)
    response = client.post(reverse("admin:evaluation_dossier_change", args=[dossier.pk]), {
        "assessor": org_user.pk, "not_assessed_because": "", "not_assessed_note": "",
        "entries-TOTAL_FORMS": 0, "entries-INITIAL_FORMS": 0,
    }, follow=True)
    assert "cannot assess it" in response.text
    dossier.refresh_from_db()
    assert dossier.assessor is None
