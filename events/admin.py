from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from core.admin_actions import run_service
from core.admin_history import HistoryAdmin
from core.spreadsheets import SafeSpreadsheetAdminMixin
from core.validators import mask_mobile
from members.services import record_personal_data_access

from . import services
from .models import Event, EventChange, EventReport, Registration, ReportPhoto
from .resources import EventResource, RegistrationResource


class RegistrationInline(admin.TabularInline):
    """Residents' personal data: only staff with permission on registrations see this (Django checks it)."""

    model = Registration
    extra = 0
    fields = ["name", "mobile", "email", "status", "created_at", "checked_in_at"]
    readonly_fields = ["created_at", "checked_in_at"]
    show_change_link = True


class EventChangeInline(admin.TabularInline):
    model = EventChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "action", "changed_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(SafeSpreadsheetAdminMixin, ExportMixin, HistoryAdmin):
    resource_classes = [EventResource]
    list_display = ["title", "organizer", "kind", "starts_at", "community", "state", "capacity", "taken"]
    list_filter = ["state", "kind", "community", ("organization", admin.EmptyFieldListFilter), "starts_at"]
    search_fields = ["title", "description", "place", "organization__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organization"]
    list_select_related = ["organization", "community"]
    readonly_fields = ["state", "published_at", "created_by", "created_at", "updated_at", "cancel_reason"]
    fieldsets = [
        (None, {"fields": ["organization", "kind", "title", "description", "cover"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "place", "community"]}),
        (_("Sign-up"), {"fields": ["capacity", "registration_opens_at", "registration_closes_at"]}),
        (
            _("State"),
            {"fields": ["state", "cancel_reason", "published_at", "created_by", "created_at", "updated_at"]},
        ),
    ]
    inlines = [RegistrationInline, EventChangeInline]
    actions = ["publish", "cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_place_counts()

    @admin.display(description=_("organizer"), ordering="organization__name")
    def organizer(self, obj):
        return obj.organizer_name

    @admin.display(description=_("places taken"), ordering="taken_count")
    def taken(self, obj):
        return obj.taken_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            EventChange.objects.create(event=obj, action=EventChange.Action.CREATED, changed_by=request.user)
        else:
            EventChange.objects.create(
                event=obj, action=EventChange.Action.EDITED, changed_by=request.user, note=_("in the admin site")
            )

    @admin.action(description=_("Publish selected drafts"), permissions=["change"])
    def publish(self, request, queryset):
        run_service(self, request, queryset, services.publish_event)

    @admin.action(description=_("Cancel selected events (registrants are emailed)"), permissions=["change"])
    def cancel(self, request, queryset):
        run_service(self, request, queryset, services.cancel_event, reason=_("Cancelled by the street office."))


@admin.register(Registration)
class RegistrationAdmin(SafeSpreadsheetAdminMixin, ExportMixin, admin.ModelAdmin):
    """No audit history here on purpose: residents' names and mobiles must not be copied into history tables."""

    resource_classes = [RegistrationResource]
    list_display = ["name", "masked_mobile", "event", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "event__kind", "created_at"]
    search_fields = ["name", "mobile", "email", "event__title"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    readonly_fields = ["token", "created_at", "cancelled_at", "promoted_at", "checked_in_at"]
    actions = ["check_in", "cancel"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            record_personal_data_access(user=request.user, action="view", subject=f"registration #{object_id}")
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """Every export of sign-ups is logged with how many residents it contained."""
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        record_personal_data_access(
            user=request.user, action="export", subject="registrations (admin)", records=queryset.count()
        )
        return data

    @admin.display(description=_("mobile number"), ordering="mobile")
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)

    @admin.action(description=_("Check in selected people"), permissions=["change"])
    def check_in(self, request, queryset):
        run_service(self, request, queryset, services.check_in_registration)

    @admin.action(description=_("Cancel selected sign-ups (the waiting list moves up)"), permissions=["change"])
    def cancel(self, request, queryset):
        run_service(self, request, queryset, services.cancel_registration)


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0


@admin.register(EventReport)
class EventReportAdmin(admin.ModelAdmin):
    list_display = ["event", "attendance", "volunteers", "beneficiaries_served", "filed_at"]
    search_fields = ["event__title", "summary"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    inlines = [ReportPhotoInline]
