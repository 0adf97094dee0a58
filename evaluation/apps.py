from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from core.portal import register_nav

        from .notifications import register as register_notifications

        register_nav("evaluation:manage-list", _("Evaluation"), order=45)
        register_notifications()
