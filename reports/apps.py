from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reporting upward")

    def ready(self):
        from core.portal import register_nav, register_staff_link

        register_nav("reports:annual-index", _("Annual report"), order=60, admins_only=True)
        register_staff_link("reports:staff", _("Reporting upward"), "reports.download_report", order=20)
