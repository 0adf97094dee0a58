"""The statistics app keeps no rows: its pages read the other apps' data. This model only declares the
permissions of the staff pages that are not about one model (the admin checks model permissions the same way)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffPages(models.Model):
    """No table. Holds the permissions of the staff dashboard, staff statistics and monthly compliance."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can see the staff dashboard")),
            ("view_statistics", _("Can see the staff statistics")),
            ("view_compliance", _("Can see and export members' monthly activity compliance")),
        ]
        verbose_name = _("staff page")
        verbose_name_plural = _("staff pages")

    def __str__(self):
        return str(self._meta.verbose_name)
