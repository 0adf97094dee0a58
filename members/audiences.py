"""Who hears about an organization's affairs: audiences for the notification rules of every app
(core.notifications)."""

from core.notifications import Audience

from .models import Organization, OrganizationAccount


def organization_team(organization):
    """An organization's administrators (inbox + email) and its public email address."""
    admins = [
        account.user
        for account in OrganizationAccount.objects.filter(
            organization=organization, role=OrganizationAccount.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]
    return Audience(users=admins, emails=[organization.email])


def all_members():
    """Administrators of every active member organization (e.g. a new call for proposals)."""
    admins = [
        account.user
        for account in OrganizationAccount.objects.filter(
            organization__in=Organization.objects.members(), role=OrganizationAccount.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]
    return Audience(users=admins, emails=[])
