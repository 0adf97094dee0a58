"""Who may do what: staff rules every app uses (organizations' rules: members.permissions).

Deny by default.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin


def is_staff_member(user):
    """Street-office staff: active users with admin-site access."""
    return user.is_authenticated and user.is_active and user.is_staff


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Staff pages outside the admin site."""

    def test_func(self):
        return is_staff_member(self.request.user)
