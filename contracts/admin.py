"""Contracts in the admin: read and search; changes go through the staff pages' services (signing, evaluators,
payments), so that the history and the database's rules hold. The rubric is configured here."""

from django.contrib import admin

from core.admin_history import HistoryAdmin

from . import services
from .models import Contract, ContractChange, Evaluation, Indicator, Payment, RubricCriterion, Tranche


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ["name", "unit", "target", "measure"]


class TrancheInline(ReadOnlyInline):
    model = Tranche
    fields = ["position", "percent", "condition", "unlocked_at"]


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = ["kind", "due_on", "state", "verdict", "verdict_reason", "decided_by"]


class ChangeInline(ReadOnlyInline):
    model = ContractChange
    fields = ["changed_at", "action", "note", "changed_by"]


@admin.register(Contract)
class ContractAdmin(HistoryAdmin):
    list_display = ["number", "project", "purchaser", "signed_on", "amount", "state"]
    list_filter = ["state", "signed_on"]
    search_fields = ["number", "project__title", "project__organization__name"]
    list_select_related = ["project"]
    readonly_fields = ["project", "state", "paused_reason", "evaluators"]
    fields = ["project", "purchaser", "number", "signed_on", "starts_on", "ends_on", "amount", "state",
              "paused_reason", "evaluators"]
    inlines = [IndicatorInline, TrancheInline, EvaluationInline, ChangeInline]

    def has_add_permission(self, request):
        return False  # contracts:staff-create signs them

    def save_model(self, request, obj, form, change):
        services.save_contract_edit(obj, acting_user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(HistoryAdmin):
    list_display = ["voucher", "paid_on", "amount", "tranche", "recorded_by"]
    list_select_related = ["tranche__contract", "recorded_by"]
    search_fields = ["voucher", "tranche__contract__number"]
    date_hierarchy = "paid_on"

    def has_add_permission(self, request):
        return False  # contracts:staff-payment records them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "max_points", "position", "is_active"]
    list_editable = ["max_points", "position", "is_active"]
