from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.admin import ExportMixin

from core.admin_actions import run_service, run_service_with_reason
from core.admin_history import HistoryAdmin
from core.pagination import LargeTableAdminMixin
from core.search import QuerySetSearchAdminMixin, clean_term
from core.spreadsheets import SafeSpreadsheetAdminMixin

from . import scoring, services
from .models import (
    Call,
    CommunityNeed,
    NeedResponse,
    ProgressUpdate,
    Project,
    ProjectPhoto,
    ProjectStateChange,
    Review,
)
from .resources import ProjectResource, ReviewResource

# Calls


@admin.register(Call)
class CallAdmin(HistoryAdmin):
    list_display = ["title", "state", "opens_at", "closes_at", "budget", "proposal_count", "reviewer_count",
                    "is_blind", "ranking_link"]
    list_filter = ["state", "is_blind", "closes_at"]
    search_fields = ["title", "description"]
    filter_horizontal = ["reviewers"]
    readonly_fields = ["state", "created_at"]
    date_hierarchy = "closes_at"
    fieldsets = [
        (None, {"fields": ["title", "description", "budget", "minimum_grade", "state"]}),
        (_("Dates"), {"fields": ["opens_at", "closes_at"]}),
        (_("Rubric"), {"fields": ["weight_public_benefit", "weight_operability", "weight_coverage"]}),
        (_("Review"), {"fields": ["reviewers", "is_blind"]}),
    ]
    actions = ["open_calls", "start_review", "mark_decided"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _proposals=Count("projects", distinct=True), _reviewers=Count("reviewers", distinct=True)
        )

    @admin.display(description=pgettext_lazy("column: how many", "proposals"), ordering="_proposals")
    def proposal_count(self, obj):
        return obj._proposals

    @admin.display(description=pgettext_lazy("column: how many", "reviewers"), ordering="_reviewers")
    def reviewer_count(self, obj):
        return obj._reviewers

    @admin.display(description=_("ranking"))
    def ranking_link(self, obj):
        if not obj.is_public:  # a draft has no proposals to rank
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("projects:ranking", args=[obj.pk]), _("Ranking"))

    def _move(self, request, queryset, state):
        run_service(self, request, queryset, lambda call, **kw: services.change_call_state(call, state, **kw))

    @admin.action(description=_("Open selected calls for proposals"), permissions=["change"])
    def open_calls(self, request, queryset):
        self._move(request, queryset, Call.State.OPEN)

    @admin.action(description=_("Close selected calls and start the review"), permissions=["change"])
    def start_review(self, request, queryset):
        self._move(request, queryset, Call.State.REVIEWING)

    @admin.action(description=_("Mark selected calls as decided"), permissions=["change"])
    def mark_decided(self, request, queryset):
        self._move(request, queryset, Call.State.DECIDED)


# Projects


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    fields = ["on", "text", "beneficiaries_reached", "created_by"]
    readonly_fields = ["created_by"]


class ProjectPhotoInline(admin.TabularInline):
    model = ProjectPhoto
    extra = 1
    fields = ["image", "caption", "update"]

    def get_formset(self, request, obj=None, **kwargs):
        # A photo belongs to one of this project's updates: the choices were every update of every project, each
        # naming its project with a query of its own (at city scale the page never finished).
        formset = super().get_formset(request, obj, **kwargs)
        updates = ProgressUpdate.objects.filter(project=obj) if obj else ProgressUpdate.objects.none()
        formset.form.base_fields["update"].queryset = updates.select_related("project")
        return formset


class ProjectStateChangeInline(admin.TabularInline):
    model = ProjectStateChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_state", "to_state", "changed_by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["reviewer", "public_benefit", "operability", "coverage", "comment", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(
    LargeTableAdminMixin, QuerySetSearchAdminMixin, SafeSpreadsheetAdminMixin, ExportMixin, HistoryAdmin
):
    resource_classes = [ProjectResource]
    list_display = ["title", "organization", "call", "state", "service_field", "funding_source", "budget",
                    "is_selected", "is_brand", "starts_on"]
    list_filter = ["state", "is_brand", "is_selected", "service_field", "funding_source", "call", "communities",
                   "starts_on"]
    search_fields = ["title", "summary", "organization__name", "slug"]  # Project.objects.search (core.search), slug
    list_select_related = ["organization", "call"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["communities"]
    readonly_fields = ["state", "next_steps", "submitted_at", "decided_at", "decided_by", "decision_reason",
                       "created_at", "updated_at", "public_link"]
    date_hierarchy = "starts_on"
    # 20,000 projects at city scale (LargeTableAdminMixin): a search counts at most 2,000 matches and has no date
    # drill-down (both read every match: a two-character word took 0.9 s of queries); the unfiltered list counts
    # from the statistics.
    fieldsets = [
        (None, {"fields": ["title", "slug", "organization", "call", "state", "next_steps", "public_link"]}),
        (
            _("Content"),
            {"fields": ["summary", "description", "service_field", "communities", "beneficiaries", "cover"]},
        ),
        (_("Funding and dates"), {"fields": ["budget", "funding_source", "funding_amount", "starts_on", "ends_on"]}),
        (_("Staff marks"), {"fields": ["is_selected", "is_brand", "party_building_3h", "party_building_5m"]}),
        (_("Decision"), {"fields": ["submitted_at", "decided_at", "decided_by", "decision_reason"]}),
    ]
    inlines = [ProjectPhotoInline, ProgressUpdateInline, ReviewInline, ProjectStateChangeInline]
    actions = ["approve", "reject", "start", "complete", "mark_selected", "unmark_selected", "mark_brand",
               "unmark_brand"]

    def get_search_results(self, request, queryset, search_term):
        # The page's address too, as the admin's search box found it before (an exact slug: its unique index).
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = clean_term(search_term)
        return (found | queryset.filter(slug=term) if term else found), duplicates

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        if obj.pk and obj.is_public:
            return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url())
        return "—"

    @admin.display(description=_("next steps"))
    def next_steps(self, obj):
        """What the street office may do with the project now (Project.TRANSITIONS), done with the actions."""
        if not obj.pk:
            return "—"
        return " · ".join(str(action.label) for action in obj.available_actions(Project.Actor.STAFF)) or "—"

    def _state(self, request, queryset, state, **kwargs):
        run_service(self, request, queryset, lambda project, **kw: services.change_project_state(
            project, state, as_actor=Project.Actor.STAFF, **kw
        ), **kwargs)

    @admin.action(description=_("Approve selected proposals"), permissions=["change"])
    def approve(self, request, queryset):
        self._state(request, queryset, Project.State.APPROVED)

    @admin.action(description=_("Reject selected proposals (with a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        return run_service_with_reason(
            self,
            request,
            queryset.select_related("organization"),
            lambda project, **kw: services.reject_project(project, **kw),
            title=_("Reject proposals"),
            label_of=lambda project: _("%(title)s — %(organization)s (%(state)s)")
            % {"title": project.title, "organization": project.organization, "state": project.get_state_display()},
        )

    @admin.action(description=_("Mark selected projects as started"), permissions=["change"])
    def start(self, request, queryset):
        self._state(request, queryset, Project.State.IN_PROGRESS)

    @admin.action(description=_("Mark selected projects as completed"), permissions=["change"])
    def complete(self, request, queryset):
        self._state(request, queryset, Project.State.COMPLETED)

    def _flags(self, request, queryset, **flags):
        run_service(self, request, queryset, lambda project, **kw: services.set_project_flags(project, **kw, **flags))

    @admin.action(description=_("Mark as selected project (优秀项目)"), permissions=["change"])
    def mark_selected(self, request, queryset):
        self._flags(request, queryset, is_selected=True)

    @admin.action(description=_("Remove the selected-project mark"), permissions=["change"])
    def unmark_selected(self, request, queryset):
        self._flags(request, queryset, is_selected=False)

    @admin.action(description=_("Mark as brand project (品牌项目)"), permissions=["change"])
    def mark_brand(self, request, queryset):
        self._flags(request, queryset, is_brand=True)

    @admin.action(description=_("Remove the brand-project mark"), permissions=["change"])
    def unmark_brand(self, request, queryset):
        self._flags(request, queryset, is_brand=False)


# Reviews


@admin.register(Review)
class ReviewAdmin(SafeSpreadsheetAdminMixin, ExportMixin, HistoryAdmin):
    resource_classes = [ReviewResource]
    list_display = ["project", "reviewer", "public_benefit", "operability", "coverage", "weighted", "updated_at"]
    list_filter = ["project__call", ("reviewer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["project__title", "reviewer__username", "reviewer__first_name", "comment"]
    list_select_related = ["project__call", "reviewer"]
    readonly_fields = ["project", "reviewer", "created_at", "updated_at"]

    def has_add_permission(self, request):
        # Reviewers score on their own pages, where assignment and conflicts of interest are checked.
        return False

    @admin.display(description=_("weighted score"))
    def weighted(self, obj):
        if obj.project.call is None:
            return "—"
        return f"{scoring.weighted_score(obj.scores, obj.project.call.weights):.2f}"


# Community needs


class NeedResponseInline(admin.TabularInline):
    model = NeedResponse
    extra = 0
    fields = ["organization", "message", "project", "created_at", "proposed_at", "is_accepted"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommunityNeed)
class CommunityNeedAdmin(HistoryAdmin):
    list_display = [
        "title", "community", "service_field", "state", "poster", "response_count", "posted_at", "matched_at"
    ]
    list_filter = ["state", "poster", "service_field", "community"]
    search_fields = ["title__finds", "description__finds", "community__name"]  # core.search
    list_select_related = ["community"]
    readonly_fields = ["state", "poster", "matched_at", "posted_by"]
    inlines = [NeedResponseInline]
    actions = ["close"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_responses=Count("responses"))

    @admin.display(description=_("responses"), ordering="_responses")
    def response_count(self, obj):
        return obj._responses

    def save_model(self, request, obj, form, change):
        if not change and obj.posted_by_id is None:
            obj.posted_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Close selected needs"), permissions=["change"])
    def close(self, request, queryset):
        run_service(self, request, queryset, services.close_need)


@admin.register(NeedResponse)
class NeedResponseAdmin(admin.ModelAdmin):
    list_display = ["need", "organization", "project", "created_at", "proposed_at", "is_accepted"]
    list_filter = ["is_accepted", "need__state", "need__community"]
    search_fields = ["need__title", "organization__name", "message"]
    list_select_related = ["need", "organization", "project"]
    readonly_fields = ["need", "organization", "project", "message", "created_by", "created_at", "proposed_at",
                       "proposed_by", "is_accepted", "accepted_at", "accepted_by"]
    actions = ["accept"]

    def has_add_permission(self, request):
        # Organizations respond from their portal.
        return False

    @admin.action(description=_("Accept the selected response (the need becomes matched)"), permissions=["change"])
    def accept(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one response to accept."), messages.ERROR)
            return
        run_service(self, request, queryset, services.accept_need_response)
