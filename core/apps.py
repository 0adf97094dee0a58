from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel every app may use: pictures, caching, spreadsheets, validators, notifications, admin
    helpers, the audit-trail base and permission mixins. It imports no other app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from . import lockout  # noqa: F401  (its notice joins the rules)
        from .caching import watch_connections

        watch_connections()
