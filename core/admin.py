from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import outbox
from .admin_actions import run_service
from .models import Notification, OutboxMessage, SmsOptOut
from .validators import mask_mobile


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "kind", "subject", "body", "url", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False


def _resend(message, *, acting_user):
    if not outbox.resend(message):
        from django.core.exceptions import ValidationError

        raise ValidationError(_("It was sent already."))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What the portal sent, is sending and could not send; failed messages can be sent again."""

    list_display = ["created_at", "channel", "kind", "shown_recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind", "created_at"]
    search_fields = ["subject", "kind", "recipient"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    actions = ["send_again"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    @admin.display(description=_("recipient"))
    def shown_recipient(self, message):
        if message.channel == OutboxMessage.Channel.SMS:
            return mask_mobile(message.recipient)
        return message.recipient or message.user

    @admin.action(description=_("Send the selected messages again"))
    def send_again(self, request, queryset):
        run_service(self, request, queryset, _resend)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ["mobile", "created_at"]
    search_fields = ["mobile"]
