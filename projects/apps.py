from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from core.portal import register_nav, register_panel

        from .notifications import register as register_notifications
        from .site import dashboard_panel_context

        register_nav("projects:manage-list", _("Projects"), order=35)
        register_nav("projects:manage-needs", _("Community needs"), order=36)
        register_panel("projects/manage/_dashboard_panel.html", dashboard_panel_context, order=40)
        register_notifications()
