from django.contrib import admin

from .models import Cohort, Incubation, TeamFiling


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on"]


@admin.register(TeamFiling)
class TeamFilingAdmin(admin.ModelAdmin):
    """Read-only: teams file at incubation:file, committees give their opinion and staff decide on the staff
    pages (incubation:staff)."""

    list_display = ["organization", "number", "category", "status", "filed_on", "confirm_by"]
    list_filter = ["status", "category"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Incubation)
class IncubationAdmin(admin.ModelAdmin):
    """Read-only: staff admit, move and graduate on the staff pages (incubation:staff)."""

    list_display = ["organization", "cohort", "stage", "started_on", "mentor", "graduated_on"]
    list_filter = ["stage", "cohort"]
    list_select_related = ["organization", "cohort", "mentor"]
    search_fields = ["organization__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
