import io

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from members.models import Membership, Organization, OrganizationAccount, ServiceField

from .factories import PASSWORD, MembershipFactory, OrganizationAccountFactory, valid_credit_code

pytestmark = pytest.mark.django_db

PORTAL_PAGES = ["members:portal", "members:manage-profile", "members:manage-people", "members:manage-membership"]


def png_bytes(size=(40, 30), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


# Permissions ---------------------------------------------------------------


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_send_anonymous_users_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_show_the_users_own_organization(client, org_user, other_org, name):
    client.force_login(org_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["organization"] == org_user.org_account.organization
    assert other_org.name not in response.content.decode()


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_staff_opening_the_portal_land_on_their_dashboard(client, name):
    from django.contrib.auth.models import Group
    from django.contrib.messages import get_messages

    from core.permissions import STAFF_GROUP
    from tests.members.factories import UserFactory

    clerk = UserFactory(username="street-office", is_staff=True)
    clerk.groups.add(Group.objects.get(name=STAFF_GROUP))
    client.force_login(clerk)
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url == reverse("stats:dashboard")
    assert list(get_messages(response.wsgi_request)) == []  # not told to register an organization
    page = client.get(response.url)
    assert page.status_code == 200
    assert "you will be the organization's administrator" not in page.content.decode()


def test_staff_who_work_for_an_organization_use_its_portal(client, org):
    from tests.members.factories import OrganizationAccountFactory

    account = OrganizationAccountFactory(organization=org, user__is_staff=True)
    client.force_login(account.user)
    assert client.get(reverse("members:portal")).status_code == 200


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_send_users_without_organization_to_join(client, plain_user, name):
    client.force_login(plain_user)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == reverse("members:join")


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_staff_without_organization_are_sent_to_join_not_shown_an_error(client, staff_user, name):
    client.force_login(staff_user)
    assert client.get(reverse(name)).status_code == 302


def test_removing_another_organizations_colleague_is_a_404(client, org_user, other_org_user):
    client.force_login(org_user)
    url = reverse("members:manage-remove", args=[other_org_user.org_account.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert OrganizationAccount.objects.filter(user=other_org_user).exists()


def test_revoking_another_organizations_invitation_is_a_404(client, org_user, other_org_user, other_org):
    from members import services

    invitation = services.invite_colleague(other_org, email="x@example.org", role="editor", acting_user=other_org_user)
    client.force_login(org_user)
    assert client.post(reverse("members:manage-revoke", args=[invitation.pk])).status_code == 404
    assert other_org.invitations.filter(pk=invitation.pk).exists()


def test_editors_cannot_invite_or_remove(client, org_editor, org_user):
    client.force_login(org_editor)
    response = client.post(reverse("members:manage-invite"), {"email": "a@example.org", "role": "editor"})
    assert response.status_code == 403
    assert client.post(reverse("members:manage-remove", args=[org_user.org_account.pk])).status_code == 403
    assert OrganizationAccount.objects.filter(user=org_user).exists()


# Public pages ---------------------------------------------------------------


def test_directory_lists_public_organizations_only(client, org):
    Organization.objects.create(name="Hidden Team", org_type="community_team", is_public=False)
    response = client.get(reverse("members:organization-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert org.name in content
    assert "Hidden Team" not in content


def test_organization_page_and_hidden_organization_404(client, org):
    response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    assert org.name in response.content.decode()
    hidden = Organization.objects.create(name="隐藏团队", org_type="community_team", is_public=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_chinese_slugs_resolve(client):
    organization = Organization.objects.create(name="长寿敬老志愿者服务中心", credit_code=valid_credit_code(7))
    assert organization.slug == "长寿敬老志愿者服务中心"
    assert client.get(organization.get_absolute_url()).status_code == 200


def test_pages_are_chinese_by_default(client, org, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get(reverse("members:organization-list"))
    content = response.content.decode()
    assert '<html lang="zh-Hans">' in content
    assert "社会组织名录" in content
    response = client.get(reverse("members:organization-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Organization directory" in response.content.decode()


def test_about_shows_current_council_and_rotating_chair(client, org, other_org):
    from datetime import timedelta

    from django.utils import timezone

    from members.models import CouncilSeat, CouncilTerm, RotatingChair

    today = timezone.localdate()
    old = CouncilTerm.objects.create(name="First council", starts_on=today - timedelta(days=4000),
                                     ends_on=today - timedelta(days=2000))
    CouncilSeat.objects.create(term=old, organization=other_org, role="chair")
    term = CouncilTerm.objects.create(name="Third council", starts_on=today - timedelta(days=100))
    CouncilSeat.objects.create(term=term, organization=org, role="chair")
    RotatingChair.objects.create(term=term, organization=org, starts_on=today - timedelta(days=10),
                                 ends_on=today + timedelta(days=170))
    response = client.get(reverse("members:about"))
    assert response.context["term"] == term
    assert response.context["rotating_chair"].organization == org
    assert [seat.organization for seat in response.context["seats"]] == [org]


# Joining --------------------------------------------------------------------


def join_data(**overrides):
    data = {
        "account-full_name": "Li Lei",
        "account-email": "lilei@example.org",
        "account-password1": "Changshou-road-2026",
        "account-password2": "Changshou-road-2026",
        "org-name": "Shared Fridge Team",
        "org-org_type": "service_agency",
        "org-credit_code": valid_credit_code(99),
        "org-contact_person": "Li Lei",
        "org-contact_phone": "13812345678",
        "org-email": "fridge@example.org",
        "org-summary": "We share food.",
        "org-application_note": "Please let us in.",
    }
    data.update(overrides)
    return data


def test_join_creates_account_organization_and_application(client, staff_user, django_capture_on_commit_callbacks):
    staff_user.email = "staff@example.org"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:join"), join_data())
    assert response.status_code == 302
    assert response.url == reverse("members:portal")
    organization = Organization.objects.get(name="Shared Fridge Team")
    assert organization.membership.status == Membership.Status.APPLIED
    assert organization.membership.application_note == "Please let us in."
    account = OrganizationAccount.objects.get(organization=organization)
    assert account.role == "admin" and account.user.username == "lilei@example.org"
    assert mail.outbox[0].to == ["staff@example.org"]
    dashboard = client.get(reverse("members:portal"))
    assert "Applied" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"org-credit_code": "52310107MJ4928110A"}, "credit_code", "check digit"),
        ({"org-credit_code": ""}, None, "unified social credit code"),
        ({"account-password2": "something-else-2026"}, "password2", "do not match"),
        ({"account-password1": "123", "account-password2": "123"}, "password1", "too short"),
        ({"org-contact_phone": "12345678901"}, "contact_phone", "mobile"),
    ],
)
def test_join_with_bad_input_shows_errors_and_creates_nothing(client, overrides, field, message):
    response = client.post(reverse("members:join"), join_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organization.objects.filter(name="Shared Fridge Team").exists()
    assert not OrganizationAccount.objects.exists()


def test_a_logged_in_user_without_organization_joins_with_their_own_account(client, plain_user):
    client.force_login(plain_user)
    data = {key: value for key, value in join_data().items() if not key.startswith("account-")}
    response = client.post(reverse("members:join"), {**data, "org-service_fields": [ServiceField.objects.first().pk]})
    assert response.status_code == 302
    account = OrganizationAccount.objects.get(user=plain_user)
    assert (account.organization.name, account.role) == ("Shared Fridge Team", "admin")
    assert account.organization.membership.changes.get().changed_by == plain_user
    assert account.organization.service_fields.count() == 1


def test_join_refuses_an_email_already_registered(client, org_user):
    response = client.post(reverse("members:join"), join_data(**{"account-email": org_user.username}))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_logged_in_user_with_organization_cannot_join_again(client, org_user):
    client.force_login(org_user)
    assert client.get(reverse("members:join")).url == reverse("members:portal")


def test_full_flow_join_then_staff_approves_in_admin(client, staff_user, django_capture_on_commit_callbacks):
    client.post(reverse("members:join"), join_data())
    membership = Membership.objects.get(organization__name="Shared Fridge Team")
    client.logout()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_membership_changelist"),
            {"action": "approve", "_selected_action": [membership.pk]},
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "active"
    assert sorted(message.to[0] for message in mail.outbox[-2:]) == ["fridge@example.org", "lilei@example.org"]


def test_admin_reject_asks_for_a_reason_first(client, staff_user):
    membership = MembershipFactory(status="applied")
    client.force_login(staff_user)
    url = reverse("admin:members_membership_changelist")
    response = client.post(url, {"action": "reject", "_selected_action": [membership.pk]})
    assert response.status_code == 200
    assert "reason" in response.content.decode().lower()
    membership.refresh_from_db()
    assert membership.status == "applied"
    response = client.post(
        url, {"action": "reject", "_selected_action": [membership.pk], "apply": "1", "reason": "Incomplete."}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.reason) == ("rejected", "Incomplete.")


def test_staff_record_a_withdrawal_in_the_admin(client, staff_user):
    membership = MembershipFactory(status="active")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_membership_changelist"), {"action": "withdraw", "_selected_action": [membership.pk]}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == ("withdrawn", staff_user)
    assert membership.changes.get().changed_by == staff_user


def test_org_users_cannot_reach_the_admin(client, org_user):
    client.force_login(org_user)
    response = client.get(reverse("admin:members_membership_changelist"))
    assert response.status_code == 302


# Profile and logo -------------------------------------------------------------


def profile_data(organization, **overrides):
    data = {
        "name": organization.name,
        "org_type": organization.org_type,
        "credit_code": organization.credit_code,
        "summary": "New summary",
        "description": "Long text",
        "contact_phone": "021-62345678",
    }
    data.update(overrides)
    return data


def test_profile_edit_saves(client, org_user, org):
    client.force_login(org_user)
    response = client.post(reverse("members:manage-profile"), profile_data(org))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.summary == "New summary"


def test_profile_form_cannot_change_staff_only_fields(client, org_user, org):
    client.force_login(org_user)
    client.post(reverse("members:manage-profile"), profile_data(org, star_rating=5, is_public=False))
    org.refresh_from_db()
    assert org.star_rating == 0
    assert org.is_public is True


def test_logo_upload_is_reencoded_with_a_generated_name(client, org_user, org):
    client.force_login(org_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("my logo.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("members:manage-profile"), {**profile_data(org), "logo": upload})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.startswith("logos/")
    assert "my logo" not in org.logo.name
    with Image.open(org.logo.path) as image:
        assert image.size == (40, 30)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"<html><script>alert(1)</script></html>", "not an image"),
        ("truncated.png", png_bytes()[:60], "not an image"),
        ("big.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10), "at most"),
    ],
)
def test_bad_logo_gives_a_clear_error_and_changes_nothing(client, org_user, org, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org_user)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("members:manage-profile"), {**profile_data(org, summary="Changed"), "logo": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    org.refresh_from_db()
    assert org.summary == "Serving the community."
    assert not org.logo


# People ---------------------------------------------------------------------------


def test_admin_invites_and_colleague_accepts(client, org_user, org, django_capture_on_commit_callbacks):
    client.force_login(org_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:manage-invite"), {"email": "new@example.org", "role": "editor"})
    assert response.status_code == 302
    invitation = org.invitations.get()
    assert invitation.token in mail.outbox[0].body
    client.logout()

    url = reverse("members:accept-invitation", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"full_name": "Wang", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    account = OrganizationAccount.objects.get(user__username="new@example.org")
    assert (account.organization, account.role) == (org, "editor")
    # The link works once.
    client.logout()
    assert "expired or has already been used" in client.get(url).content.decode()
    # The administrator sees who invited and who joined.
    client.force_login(org_user)
    people = client.get(reverse("members:manage-people")).content.decode()
    assert "Recent changes" in people
    assert "Joined: new@example.org (Editor)" in people and "Invited: new@example.org (Editor)" in people


def test_a_logged_in_user_accepts_an_invitation_with_their_account(client, org_user, org, plain_user):
    client.force_login(org_user)
    client.post(reverse("members:manage-invite"), {"email": plain_user.email, "role": "editor"})
    invitation = org.invitations.get()
    client.force_login(plain_user)
    response = client.post(reverse("members:accept-invitation", args=[invitation.token]))
    assert response.status_code == 302 and response.url == reverse("members:portal")
    assert plain_user.org_account.organization == org


def test_unknown_invitation_token_is_404(client):
    assert client.get(reverse("members:accept-invitation", args=["nope"])).status_code == 404


def test_admin_removes_an_editor_after_confirmation(client, org_user, org_editor):
    client.force_login(org_user)
    url = reverse("members:manage-remove", args=[org_editor.org_account.pk])
    assert client.get(url).status_code == 200
    assert OrganizationAccount.objects.filter(user=org_editor).exists()
    assert client.post(url).status_code == 302
    assert not OrganizationAccount.objects.filter(user=org_editor).exists()
    assert f"Removed: {org_editor.email} (Editor)" in client.get(reverse("members:manage-people")).content.decode()


def test_membership_page_lets_a_rejected_organization_apply_again(client):
    membership = MembershipFactory(status="rejected", reason="Incomplete.")
    user = OrganizationAccountFactory(organization=membership.organization).user
    client.force_login(user)
    response = client.get(reverse("members:manage-membership"))
    assert "Incomplete." in response.content.decode()
    assert response.context["can_apply"]
    client.post(reverse("members:manage-membership"), {"note": "Now complete"})
    membership.refresh_from_db()
    assert membership.status == "applied"


def test_active_member_sees_no_apply_form(client, org_user):
    client.force_login(org_user)
    response = client.get(reverse("members:manage-membership"))
    assert not response.context["can_apply"]
    client.post(reverse("members:manage-membership"), {"note": "again"})
    assert org_user.org_account.organization.membership.status == "active"


def test_after_login_each_user_lands_where_they_work(client, org_user, staff_user, plain_user):
    from projects.models import Call
    from tests.projects.factories import CallFactory

    url = reverse("after-login")
    client.force_login(org_user)
    assert client.get(url).url == reverse("members:portal")
    client.force_login(staff_user)
    assert client.get(url).url == reverse("admin:index")
    client.force_login(plain_user)
    assert client.get(url).url == reverse("members:join")
    call = CallFactory()
    call.reviewers.add(plain_user)
    assert Call.objects.assigned_to(plain_user).exists()
    assert client.get(url).url == reverse("projects:review-list")


# Dashboard cost ------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 8])
def test_dashboard_query_count_does_not_grow(client, org, org_user, django_assert_num_queries, size):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import Notification
    from projects.models import Project
    from tests.events.factories import EventFactory, completed_activity
    from tests.projects.factories import CallFactory, CommunityNeedFactory, ProjectFactory

    for n in range(size):
        ProjectFactory(organization=org, state=[Project.State.DRAFT, Project.State.IN_PROGRESS][n % 2])
        EventFactory(organization=org)
        completed_activity(org, timezone.now() - timedelta(days=30 * n + 1))
        CallFactory()
        CommunityNeedFactory()
        Notification.objects.create(recipient=org_user, kind="test", subject=f"Note {n}", body="Read me.")
    client.force_login(org_user)
    # the session and user, the account with its organization and membership, the duty panel (history, next
    # events), the projects panel (states, open calls, open needs) and the inbox badge
    with django_assert_num_queries(10):  # 10: the header asks whether the user reviews a call
        response = client.get(reverse("members:portal"))
    assert response.context["membership"] == org.membership
    page = response.content.decode()
    assert f"{size} open community need" in page
    assert len(response.context["panels"][0]["upcoming"]) == min(size, 3)
