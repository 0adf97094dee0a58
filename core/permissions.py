"""Who may do what: staff rules every app uses (organizations' rules: members.permissions).

Deny by default. Staff pages ask for the model permissions the work needs, as the admin does: being staff
(`is_staff`) only opens the door. Street-office staff get them from the group STAFF_GROUP (stats migration
0002); a superuser has them all.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin

STAFF_GROUP = "街道工作人员"


def is_staff_member(user):
    """Street-office staff: active users with admin-site access."""
    return user.is_authenticated and user.is_active and user.is_staff


def has_staff_permission(user, *permissions):
    """Whether `user` is staff holding every one of `permissions` ("app_label.codename")."""
    return is_staff_member(user) and user.has_perms(permissions)


class StaffPermissionRequiredMixin(PermissionRequiredMixin):
    """Staff pages outside the admin site: staff holding `permission_required` (one or a tuple, all needed).

    Anonymous visitors are sent to log in; a logged-in user without the permission gets 403.
    """

    def has_permission(self):
        return has_staff_permission(self.request.user, *self.get_permission_required())
