import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_shows_member_figures(client, org):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["member_count"] == 1
