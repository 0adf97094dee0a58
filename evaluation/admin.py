from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_actions import run_service

from . import services
from .models import (
    Cycle,
    Dossier,
    EligibilityCriterion,
    Entry,
    EvaluationChange,
    GradeThreshold,
    Indicator,
    PartyOrganizationRecord,
    Scheme,
)


class FrozenWhenInUse:
    """A scheme's parts are read-only once a cycle uses it: results stay what they were (copy it to change it)."""

    def _frozen(self, obj):
        scheme = obj if isinstance(obj, Scheme) else getattr(obj, "scheme", None)
        return scheme is not None and scheme.is_in_use

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_add_permission(self, request, *obj):  # ModelAdmin's takes no object, an inline's does
        return super().has_add_permission(request, *obj) and not (obj and self._frozen(obj[0]))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class IndicatorInline(FrozenWhenInUse, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "title", "parent", "max_points", "evidence", "position", "description"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            scheme_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Indicator.objects.filter(scheme_id=scheme_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GradeThresholdInline(FrozenWhenInUse, admin.TabularInline):
    model = GradeThreshold
    extra = 0


class EligibilityCriterionInline(FrozenWhenInUse, admin.TabularInline):
    model = EligibilityCriterion
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(FrozenWhenInUse, admin.ModelAdmin):
    list_display = ["name", "version", "kind", "validity_years", "points", "in_use"]
    list_filter = ["kind"]
    inlines = [IndicatorInline, GradeThresholdInline, EligibilityCriterionInline]
    actions = ["copy_as_new_version"]

    @admin.display(description=_("total points"))
    def points(self, obj):
        return obj.total_points()

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, obj):
        return obj.is_in_use

    @admin.action(description=_("Copy the selected schemes to a new version"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        run_service(self, request, queryset, services.copy_scheme)


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    can_delete = False
    fields = ["indicator", "self_score", "evidence_text", "evidence_file", "score", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DossierForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["assessor", "not_assessed_because", "not_assessed_note"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Staff assign the assessor (the reviewers' conflict rule applies) or set a dossier aside with a reason of
    the checklist; both through the services, which record who did it."""

    form = DossierForm
    list_display = ["organization", "cycle", "assessor", "submitted_at", "assessed_at", "total", "result"]
    list_filter = ["cycle"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "cycle__scheme", "assessor"]
    autocomplete_fields = ["assessor"]
    readonly_fields = ["cycle", "organization", "submitted_at", "assessed_at", "self_total", "total", "valid_until"]
    fields = [
        "cycle", "organization", "assessor", "not_assessed_because", "not_assessed_note", "submitted_at",
        "assessed_at", "self_total", "total", "valid_until",
    ]
    inlines = [EntryInline]

    def has_add_permission(self, request):
        return False  # dossiers come with the cycle (the staff page "open a cycle")

    @admin.display(description=_("result"))
    def result(self, obj):
        return obj.result_label

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "not_assessed_because":
            object_id = request.resolver_match.kwargs.get("object_id")
            dossier = Dossier.objects.filter(pk=object_id).select_related("cycle").first() if object_id else None
            kwargs["queryset"] = EligibilityCriterion.objects.filter(
                scheme_id=dossier.cycle.scheme_id if dossier else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            if "assessor" in form.changed_data:
                services.assign_assessor(obj, obj.assessor, acting_user=request.user)
            if obj.not_assessed_because and {"not_assessed_because", "not_assessed_note"} & set(form.changed_data):
                services.exclude_dossier(
                    obj, criterion=obj.not_assessed_because, note=obj.not_assessed_note, acting_user=request.user
                )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "period_start", "period_end", "deadline", "state", "staff_page"]
    list_filter = ["state", "scheme"]
    readonly_fields = ["scheme", "state", "opened_by", "published_at"]
    fields = ["name", "scheme", "period_start", "period_end", "deadline", "state", "opened_by", "published_at"]

    def has_add_permission(self, request):
        return False  # opened on the staff page, which makes the dossiers

    @admin.display(description=_("staff page"))
    def staff_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("evaluation:cycle", args=[obj.pk]), _("Open"))


@admin.register(EvaluationChange)
class EvaluationChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "cycle", "dossier", "action", "changed_by", "note"]
    list_filter = ["action", "cycle"]
    list_select_related = ["cycle", "dossier__organization", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartyOrganizationRecord)
class PartyOrganizationRecordAdmin(admin.ModelAdmin):
    list_display = ["organization", "form", "on", "party_members", "in_charter"]
    list_filter = ["form", "in_charter"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    fields = ["organization", "form", "on", "party_members", "in_charter", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
