from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contracts"
    verbose_name = _("Government-purchased service contracts")

    def ready(self):
        from core.portal import register_nav, register_project_section, register_staff_link

        from .notifications import register as register_notifications
        from .sections import project_section

        register_nav("contracts:manage-list", _("Contracts"), order=37)
        register_project_section(project_section)
        register_staff_link("contracts:staff-list", _("Service contracts"), "contracts.view_contract", order=30)
        register_notifications()
