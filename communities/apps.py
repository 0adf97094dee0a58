from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "communities"
    verbose_name = _("Neighbourhood committees")

    def ready(self):
        from .notifications import register as register_notifications

        register_notifications()
