from django.contrib import admin

from .models import ReportDownload, ReportLabel, ReportTemplate


class ReportLabelInline(admin.TabularInline):
    model = ReportLabel
    extra = 1
    fields = ["key", "label", "position"]


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    """Templates of the reporting pack: rename a row, a column or a sheet, or reorder the rows, without code."""

    list_display = ["name", "is_default"]
    search_fields = ["name"]
    inlines = [ReportLabelInline]


@admin.register(ReportDownload)
class ReportDownloadAdmin(admin.ModelAdmin):
    """Who downloaded which period and template when: a figure sent upward is traced back to its file."""

    list_display = ["at", "period", "template_name", "user", "failed_checks", "sha256"]
    list_filter = ["period", "template_name"]
    search_fields = ["period", "template_name", "user__username", "sha256"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = ["user", "period", "template", "template_name", "at", "failed_checks", "sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
