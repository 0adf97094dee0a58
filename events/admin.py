from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin

from core.admin_actions import run_service
from core.admin_history import HistoryAdmin
from core.pagination import LargeTableAdminMixin
from core.search import QuerySetSearchAdminMixin
from core.spreadsheets import SafeSpreadsheetAdminMixin
from core.validators import mask_mobile
from members.services import record_personal_data_access

from . import services
from .models import Event, EventChange, EventReport, Feedback, Registration, ReportPhoto
from .resources import EventResource, RegistrationResource


class EventChangeInline(admin.TabularInline):
    model = EventChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "action", "sign_up", "changed_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The event's own changes: those of single sign-ups (check-ins, cancellations) grow with the sign-ups.
        return super().get_queryset(request).filter(registration__isnull=True).select_related("changed_by")

    @admin.display(description=_("sign-up"))
    def sign_up(self, obj):
        # The number only: staff who may not see residents' names read this history too.
        return f"#{obj.registration_id}" if obj.registration_id else ""


class ServiceRefusalMixin:
    """A service may still refuse a change the form accepted (a sign-up came in meanwhile): nothing is saved,
    and the refusal is shown on the page instead of an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class EventAdminForm(forms.ModelForm):
    def clean_capacity(self):
        """The services' rule, on the field: never fewer places than the people holding one."""
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk is not None:
            services.check_capacity(self.instance, capacity)
        return capacity


@admin.register(Event)
class EventAdmin(
    LargeTableAdminMixin, QuerySetSearchAdminMixin, ServiceRefusalMixin, SafeSpreadsheetAdminMixin, ExportMixin,
    HistoryAdmin,
):
    """Events in the admin go through the services, as in the portal: a save is `update_event` (places checked
    against the sign-ups, the waiting list moved up), the state changes only by the actions."""

    form = EventAdminForm
    resource_classes = [EventResource]
    list_display = ["title", "organizer", "kind", "starts_at", "community", "state", "capacity", "taken"]
    list_filter = ["state", "kind", "community", ("organization", admin.EmptyFieldListFilter), "starts_at"]
    search_fields = ["title", "description", "place", "organization__name"]  # Event.objects.search (core.search)
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organization"]
    list_select_related = ["organization", "community"]
    # 100,000 events: newest first off the (starts_at, id) index.
    ordering = ["-starts_at", "-pk"]

    readonly_fields = [
        "state", "published_at", "created_by", "created_at", "updated_at", "cancel_reason", "sign_ups",
        "sign_up_counts", "report_attendance", "ratings",
    ]
    fieldsets = [
        (None, {"fields": ["organization", "kind", "title", "description", "cover"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "place", "community"]}),
        (
            _("Sign-up"),
            {
                "fields": [
                    "capacity", "registration_opens_at", "registration_closes_at", "signup_needs_code", "sign_ups",
                ],
            },
        ),
        (
            _("State"),
            {"fields": ["state", "cancel_reason", "published_at", "created_by", "created_at", "updated_at"]},
        ),
        (_("Attendance and ratings"), {"fields": ["report_attendance", "ratings"]}),
        (_("Party building"), {"fields": ["party_building_3h", "party_building_5m"]}),
    ]
    # No inline list of sign-ups: an event may have thousands. `sign_ups` links to them in their own list.
    inlines = [EventChangeInline]
    actions = ["publish", "cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_place_counts()

    @admin.display(description=_("organizer"), ordering="organization__name")
    def organizer(self, obj):
        return obj.organizer_name

    @admin.display(description=_("sign-ups"))
    def sign_up_counts(self, obj):
        """How many people hold a place, wait or cancelled (one query, whatever their number)."""
        if obj is None or obj.pk is None:
            return "—"
        counts = dict(obj.registrations.values_list("status").annotate(n=Count("pk")).order_by())
        return _("%(taken)s of %(capacity)s places taken, %(waiting)s waiting, %(cancelled)s cancelled") % {
            "taken": sum(counts.get(status, 0) for status in Registration.HOLDING_PLACE),
            "capacity": obj.capacity,
            "waiting": counts.get(Registration.Status.WAITLISTED, 0),
            "cancelled": counts.get(Registration.Status.CANCELLED, 0),
        }

    @admin.display(description=_("sign-ups"))
    def sign_ups(self, obj):
        """The counts and a link to the event's sign-ups in their own list, for staff who may see them."""
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}"
        return format_html('{} · <a href="{}">{}</a>', self.sign_up_counts(obj), url, _("Show the sign-ups"))

    def get_fieldsets(self, request, obj=None):
        if self.admin_site._registry[Registration].has_view_permission(request):
            return self.fieldsets
        return [
            (name, {**options, "fields": ["sign_up_counts" if f == "sign_ups" else f for f in options["fields"]]})
            for name, options in self.fieldsets
        ]

    @admin.display(description=_("places taken"), ordering="taken_count")
    def taken(self, obj):
        return obj.taken_count

    @admin.display(description=_("attendance reported"))
    def report_attendance(self, obj):
        """The report's attendance against the check-ins when it was filed, and the organizer's reason."""
        report = getattr(obj, "report", None) if obj.pk else None
        return attendance_summary(report) if report else "—"

    @admin.display(description=_("residents' rating"))
    def ratings(self, obj):
        summary = Feedback.objects.filter(event=obj).summary() if obj.pk else {"count": 0}
        if not summary["count"]:
            return "—"
        count = summary["count"]
        text = ngettext("%(average).1f / 5 (%(count)d rating)", "%(average).1f / 5 (%(count)d ratings)", count)
        return text % summary

    def has_change_permission(self, request, obj=None):
        # As in the portal: cancelled and completed events are kept as they were.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        # Only drafts: a published event is cancelled (its sign-ups are told), never silently removed.
        return super().has_delete_permission(request, obj) and (obj is None or obj.state == Event.State.DRAFT)

    def save_model(self, request, obj, form, change):
        if change:
            services.update_event(obj, acting_user=request.user, note=_("in the admin site"))
        else:
            services.create_event(obj, acting_user=request.user)

    @admin.action(description=_("Publish selected drafts"), permissions=["change"])
    def publish(self, request, queryset):
        run_service(self, request, queryset, services.publish_event)

    @admin.action(description=_("Cancel selected events (registrants are emailed)"), permissions=["change"])
    def cancel(self, request, queryset):
        run_service(self, request, queryset, services.cancel_event, reason=_("Cancelled by the street office."))


@admin.register(Registration)
class RegistrationAdmin(LargeTableAdminMixin, SafeSpreadsheetAdminMixin, ExportMixin, admin.ModelAdmin):
    """No audit history here on purpose: residents' names and mobiles must not be copied into history tables."""

    resource_classes = [RegistrationResource]
    list_display = ["name", "masked_mobile", "event", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "event__kind", "created_at"]
    # core.search; the event by its filter (the event's admin page links to its sign-ups), not by a join of 1M rows.
    search_fields = ["name__finds", "mobile__finds", "email"]
    list_select_related = ["event"]
    # 1,000,000 sign-ups: newest first off the primary key (not a sort of every row by created_at).
    ordering = ["-pk"]
    # The status (and what goes with it) changes only by the actions below, which call the services.
    readonly_fields = [
        "event", "status", "consent", "cancel_code", "created_at", "cancelled_at", "promoted_at", "checked_in_at",
        "purged_at",
    ]
    actions = ["check_in", "undo_check_in", "cancel"]

    @admin.display(description=_("cancellation code"))
    def cancel_code(self, obj):
        # A translated label for the model's token field, which has none (without migrating the model).
        return obj.token

    def get_search_fields(self, request):
        # Each term where it can be: names always, mobiles when it has a digit, e-mail addresses when it has an @.
        # No index serves "%居民%" over every address, and a mobile has no Chinese: in an OR with the indexed names
        # they made a search of a common word read all 1,000,000 sign-ups (0.8-2.5 s).
        term = request.GET.get("q", "")
        return [
            field for field in super().get_search_fields(request)
            if field.startswith("name") or (field.startswith("mobile") and any(c.isdigit() for c in term))
            or (field == "email" and "@" in term)
        ]

    def has_add_permission(self, request):
        # Residents sign up through the public form: capacity, waiting list and consent are checked there.
        return False

    def has_delete_permission(self, request, obj=None):
        # Only cancelled sign-ups: a place or a waiting-list spot is cancelled first, so the waiting list moves up.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Registration.Status.CANCELLED
        )

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

    @admin.action(description=_("Undo the check-in of selected people"), permissions=["change"])
    def undo_check_in(self, request, queryset):
        run_service(self, request, queryset, services.undo_check_in)

    @admin.action(description=_("Cancel selected sign-ups (the waiting list moves up)"), permissions=["change"])
    def cancel(self, request, queryset):
        run_service(self, request, queryset, services.cancel_registration)


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0


def attendance_summary(report):
    """"20 (checked in: 12) — reason" for staff: the attendance reported against the check-ins at filing."""
    if report.checked_in is None:
        return str(report.attendance)
    text = _("%(attendance)d (checked in: %(checked_in)d)") % {
        "attendance": report.attendance, "checked_in": report.checked_in
    }
    if report.attendance_differs:
        text = f"{text} — {report.attendance_note}"
    return text


class AttendanceDiffersFilter(admin.SimpleListFilter):
    title = _("attendance and check-ins")
    parameter_name = "differs"

    def lookups(self, request, model_admin):
        return [("yes", _("Attendance differs from the check-ins")), ("no", _("Attendance is the check-ins"))]

    def queryset(self, request, queryset):
        differs = Q(checked_in__isnull=False) & ~Q(attendance=F("checked_in"))
        if self.value() == "yes":
            return queryset.filter(differs)
        if self.value() == "no":
            return queryset.exclude(differs)
        return queryset


@admin.register(EventReport)
class EventReportAdmin(admin.ModelAdmin):
    """Reports are filed by the organizer (staff: for the federation's own events) in the portal, which completes
    the event (events.services.file_event_report); here staff read and correct them. The check-ins counted at
    filing stay as they were."""

    list_display = ["event", "attendance", "checked_in", "differs", "volunteers", "beneficiaries_served", "filed_at"]
    list_filter = [AttendanceDiffersFilter, "filed_at"]
    search_fields = ["event__title", "summary", "attendance_note"]
    list_select_related = ["event"]
    readonly_fields = ["event", "checked_in", "filed_by", "filed_at"]
    fields = [
        "event", "attendance", "checked_in", "attendance_note", "volunteers", "beneficiaries_served", "summary",
        "filed_by", "filed_at",
    ]
    inlines = [ReportPhotoInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("differs from the check-ins"), boolean=True)
    def differs(self, obj):
        return obj.attendance_differs


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Residents' ratings, read-only: they come from the residents themselves (events.services.rate_event). The
    comments are for the organizer and staff only; the person is not shown (the sign-up's number only)."""

    list_display = ["event", "organizer", "rating", "short_comment", "created_at"]
    list_filter = ["rating", "created_at", ("event__organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["event__title", "event__organization__name", "comment"]
    list_select_related = ["event__organization"]
    date_hierarchy = "created_at"
    fields = ["event", "sign_up", "rating", "comment", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organizer"), ordering="event__organization__name")
    def organizer(self, obj):
        return obj.event.organizer_name

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return Truncator(obj.comment).chars(80)

    @admin.display(description=_("sign-up"))
    def sign_up(self, obj):
        return f"#{obj.registration_id}" if obj.registration_id else "—"
