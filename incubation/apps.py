from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incubation"
    verbose_name = _("Incubation base")

    def ready(self):
        from core.portal import register_join_alternative, register_nav

        from .notifications import register as register_notifications

        register_nav("incubation:manage", _("Filing and incubation"), order=35)
        register_join_alternative(
            "incubation:file", _("File a community team"),
            _("A community team of residents, not registered? It files with the street instead."),
        )
        register_notifications()
