from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from core.portal import register_nav

        from .notifications import register as register_notifications

        register_nav("members:portal", _("Dashboard"), order=0)
        register_nav("members:manage-profile", _("Organization profile"), order=10)
        register_nav("members:manage-people", _("People"), order=20)
        register_nav("members:manage-membership", _("Membership"), order=30)
        register_notifications()
