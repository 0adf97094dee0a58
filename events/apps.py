from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from core.portal import register_nav, register_panel

        from .notifications import register as register_notifications
        from .sections import duty_panel

        register_nav("events:manage-list", _("Events"), order=40)
        register_nav("events:manage-registrations", _("Sign-ups"), order=41)
        register_nav("events:manage-feedback", _("Ratings"), order=42)
        register_panel("events/includes/_duty_panel.html", duty_panel, order=20)
        register_notifications()
