from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reporting upward")

    def ready(self):
        from core.portal import register_nav

        register_nav("reports:annual-index", _("Annual report"), order=60)
