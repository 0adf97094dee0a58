"""Who is told what (core.notifications and the rules of each app), the links messages carry, and the inbox."""

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.models import Notification
from core.notifications import RULES, notify
from core.sites import SiteUrlMiddleware
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_membership_decision_goes_to_the_organizations_admins_and_address_not_its_editors(
    org, org_user, org_editor, delivered
):
    membership = org.membership
    with delivered():
        notify("membership_decided", membership=membership, organization=org, portal_url="/portal/membership/")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [org_user.username]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.email, org_user.email])
    assert org_editor.email not in [m.to[0] for m in mail.outbox]


def test_new_application_goes_to_active_staff_only(org, delivered):
    staff = UserFactory(username="clerk", is_staff=True)
    UserFactory(username="former-clerk", is_staff=True, is_active=False)
    with delivered():
        notify("membership_applied", membership=org.membership, organization=org, admin_url="/admin/")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [staff.pk]
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_invitation_is_email_only(org, org_user, delivered):
    from members import services

    invitation = services.invite_colleague(org, email="friend@example.org", role="editor", acting_user=org_user)
    mail.outbox.clear()
    with delivered():
        notify("invitation", invitation=invitation, organization=org, accept_url="/x/", days=14)
    assert Notification.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["friend@example.org"]]


def test_notifications_are_written_in_chinese_whatever_the_request_language(org, org_user, settings, delivered):
    settings.LANGUAGE_CODE = "zh-hans"
    with delivered():
        notify("membership_decided", membership=org.membership, organization=org, portal_url="/portal/")
    assert "会员资格" in mail.outbox[0].subject


def test_every_rule_has_a_template_that_renders(org, org_user):
    from django.template.loader import get_template

    for rule in RULES.values():
        get_template(rule.template)


def test_inbox_shows_unread_count_and_marks_read(client, org, org_user, other_org_user, delivered):
    with delivered():
        notify("membership_decided", membership=org.membership, organization=org, portal_url="/portal/")
    client.force_login(org_user)
    home = client.get(reverse("home")).content.decode()
    assert "Notifications" in home and ">1<" in home.replace(" ", "").replace("\n", "")
    response = client.get(reverse("members:inbox"))
    assert response.status_code == 200
    assert "Your membership" in response.content.decode()
    assert Notification.objects.get().read_at is not None
    # Another organization's user sees none of it.
    client.force_login(other_org_user)
    assert "Your membership" not in client.get(reverse("members:inbox")).content.decode()


def test_inbox_requires_login(client):
    response = client.get(reverse("members:inbox"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("size", [3, 30])
def test_inbox_query_count_is_pinned(client, django_assert_num_queries, size):
    user = OrganizationAccountFactory(organization=MembershipFactory().organization).user
    for n in range(size):
        Notification.objects.create(recipient=user, kind="x", subject=f"S{n}", body="b")
    client.force_login(user)
    client.get(reverse("members:inbox"))  # first visit marks them read
    # The same number of queries for 3 or 30 notifications (the page is paginated by 20).
    with django_assert_num_queries(7):  # 7: the header asks whether the user reviews a call
        response = client.get(reverse("members:inbox"))
    assert len(response.context["object_list"]) == min(size, 20)


def test_links_in_messages_use_the_address_of_the_request_and_site_url_elsewhere(settings, staff_user, delivered):
    """The demo on another port (PORT=8080 make run), or a site reached by its public name: links work."""
    settings.SITE_URL = "https://portal.example.cn"
    staff_user.email = "office@example.cn"
    staff_user.save()
    applicant = OrganizationFactory(name="Link Test Society")

    def view(request):
        notify("membership_applied", organization=applicant, admin_url="/admin/members/")
        return HttpResponse()

    with delivered():
        SiteUrlMiddleware(view)(RequestFactory().get("/", HTTP_HOST="127.0.0.1:8080"))
    assert "http://127.0.0.1:8080/admin/members/" in mail.outbox[-1].body
    with delivered():
        notify("membership_applied", organization=applicant, admin_url="/admin/members/")  # no request: a job
    assert "https://portal.example.cn/admin/members/" in mail.outbox[-1].body


def test_an_applicant_gets_a_confirmation_and_staff_hear_of_the_application(client, delivered, settings):
    """Registering at /join/ (a new organization and its administrator) is confirmed to the applicant."""
    from members import services
    from members.models import Organization as Organizations

    staff = UserFactory(username="clerk", is_staff=True, email="clerk@example.cn")
    applicant = Organizations.objects.create(name="睦邻互助会", slug="mulin", email="mulin@example.org")
    admin = OrganizationAccountFactory(organization=applicant, role="admin").user
    with delivered():
        services.apply_for_membership(applicant, acting_user=admin)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {staff.email, applicant.email, admin.email}
    assert "睦邻互助会" in by_address[admin.email].subject
    assert Notification.objects.filter(recipient=admin, kind="membership_application_received").exists()
