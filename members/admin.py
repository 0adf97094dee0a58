from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin

from core.admin_actions import run_service, run_service_with_reason
from core.admin_history import HistoryAdmin
from core.pagination import LargeTableAdminMixin
from core.spreadsheets import SafeSpreadsheetAdminMixin

from . import services
from .models import (
    Community,
    CouncilSeat,
    CouncilTerm,
    Invitation,
    Membership,
    MembershipChange,
    Organization,
    OrganizationAccount,
    PersonalDataAccess,
    RotatingChair,
    ServiceField,
    SupportSession,
)
from .resources import MembershipResource, OrganizationResource


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "address"]
    search_fields = ["name", "code", "address"]


@admin.register(ServiceField)
class ServiceFieldAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "position"]
    list_editable = ["position"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    extra = 0
    fields = ["status", "applied_on", "joined_on", "is_founding", "decided_at", "decided_by", "reason"]
    readonly_fields = ["status", "decided_at", "decided_by", "reason"]
    show_change_link = True


class OrganizationAccountInline(admin.TabularInline):
    model = OrganizationAccount
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(LargeTableAdminMixin, SafeSpreadsheetAdminMixin, ImportExportMixin, HistoryAdmin):
    # A city has tens of thousands of organizations (core.pagination.LargeTableAdminMixin).
    resource_classes = [OrganizationResource]
    list_display = [
        "name",
        "org_type",
        "membership_status",
        "star_rating",
        "government_funded",
        "incubation_status",
        "is_public",
    ]
    list_filter = [
        "org_type",
        "membership__status",
        "star_rating",
        "government_funded",
        "incubation_status",
        "has_party_organization",
        "is_public",
        "service_fields",
        "communities",
    ]
    search_fields = ["name__finds", "credit_code", "contact_person", "summary__finds"]  # core.search
    prepopulated_fields = {}
    filter_horizontal = ["service_fields", "communities"]
    inlines = [MembershipInline, OrganizationAccountInline]
    list_select_related = ["membership"]
    readonly_fields = ["star_rating_valid_from", "star_rating_valid_until", "grade", "grade_valid_until"]
    fieldsets = [
        (None, {"fields": [
            "name", "slug", "org_type", "credit_code", "founded_on", "deregistered_on", "registration_authority",
        ]}),
        (_("Service"), {"fields": ["service_fields", "communities", "summary", "description", "logo"]}),
        (_("Contact"), {"fields": ["address", "contact_person", "contact_phone", "email", "website"]}),
        (
            _("Assessment (staff only)"),
            {
                "fields": [
                    "star_rating",
                    "star_rating_valid_from",
                    "star_rating_valid_until",
                    "grade",
                    "grade_valid_until",
                    "government_funded",
                    "incubation_status",
                    "incubating_since",
                    "graduated_on",
                    "has_party_organization",
                    "is_public",
                ]
            },
        ),
    ]

    @admin.display(description=_("membership"), ordering="membership__status")
    def membership_status(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_status_display() if membership else "—"


class MembershipChangeInline(admin.TabularInline):
    model = MembershipChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(LargeTableAdminMixin, SafeSpreadsheetAdminMixin, ExportMixin, HistoryAdmin):
    resource_classes = [MembershipResource]
    list_display = ["organization", "status", "applied_on", "joined_on", "is_founding", "decided_by"]
    list_filter = ["status", "is_founding", "applied_on", "joined_on"]
    search_fields = ["organization__name", "organization__credit_code"]
    list_select_related = ["organization", "decided_by"]
    readonly_fields = ["organization", "status", "decided_at", "decided_by", "reason", "application_note"]
    fields = [
        "organization",
        "status",
        "application_note",
        "applied_on",
        "joined_on",
        "is_founding",
        "decided_at",
        "decided_by",
        "reason",
    ]
    inlines = [MembershipChangeInline]
    actions = ["approve", "reject", "suspend", "reinstate", "withdraw"]
    date_hierarchy = "applied_on"

    def has_add_permission(self, request):
        # Memberships start with an application from the portal (or the demo data).
        return False

    @staticmethod
    def _label(membership):
        return _("%(organization)s (%(status)s)") % {
            "organization": membership.organization, "status": membership.get_status_display()
        }

    @admin.action(description=_("Approve selected applications"), permissions=["change"])
    def approve(self, request, queryset):
        run_service(self, request, queryset.select_related("organization"), services.approve_membership,
                    label_of=self._label)

    @admin.action(description=_("Reject selected applications (with a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        return run_service_with_reason(self, request, queryset.select_related("organization"),
                                       services.reject_membership, title=_("Reject applications"), label_of=self._label)

    @admin.action(description=_("Suspend selected memberships (with a reason)"), permissions=["change"])
    def suspend(self, request, queryset):
        return run_service_with_reason(
            self,
            request,
            queryset.select_related("organization"),
            services.suspend_membership,
            title=_("Suspend memberships"),
            label_of=self._label,
        )

    @admin.action(description=_("Reinstate selected suspended memberships"), permissions=["change"])
    def reinstate(self, request, queryset):
        run_service(self, request, queryset.select_related("organization"), services.reinstate_membership,
                    label_of=self._label)

    @admin.action(description=_("Record that the selected organizations withdrew"), permissions=["change"])
    def withdraw(self, request, queryset):
        run_service(self, request, queryset.select_related("organization"), services.withdraw_membership,
                    label_of=self._label)


class CouncilSeatInline(admin.TabularInline):
    model = CouncilSeat
    extra = 1
    autocomplete_fields = ["organization"]


class RotatingChairInline(admin.TabularInline):
    model = RotatingChair
    extra = 1
    autocomplete_fields = ["organization"]


@admin.register(CouncilSeat)
class CouncilSeatAdmin(HistoryAdmin):
    list_display = ["organization", "role", "term", "representative"]
    list_filter = ["term", "role"]
    search_fields = ["organization__name", "representative"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization", "term"]


@admin.register(RotatingChair)
class RotatingChairAdmin(HistoryAdmin):
    list_display = ["organization", "term", "starts_on", "ends_on"]
    list_filter = ["term"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization", "term"]


@admin.register(CouncilTerm)
class CouncilTermAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    inlines = [CouncilSeatInline, RotatingChairInline]


@admin.register(OrganizationAccount)
class OrganizationAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "organization__name"]
    exclude = ["token"]
    readonly_fields = ["invitation_token"]
    list_select_related = ["organization"]

    @admin.display(description=_("invitation code"))
    def invitation_token(self, obj):
        # A translated label for the model field, which has none (without migrating the model).
        return obj.token or "—"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "subject", "records"]
    list_filter = ["action", "at"]
    search_fields = ["user__username", "subject"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupportSession)
class SupportSessionAdmin(admin.ModelAdmin):
    """Staff log the 4f services (孵化、支持、咨询、覆盖) they gave an organization; who logged it is recorded."""

    list_display = ["on", "organization", "kind", "hours", "logged_by"]
    list_filter = ["kind", "on"]
    search_fields = ["organization__name", "note"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization", "logged_by"]
    fields = ["organization", "kind", "on", "hours", "note", "logged_by"]
    readonly_fields = ["logged_by"]
    date_hierarchy = "on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.logged_by = request.user
        super().save_model(request, obj, form, change)
