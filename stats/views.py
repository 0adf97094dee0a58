from django.views.generic import ListView, TemplateView

from core.pagination import ForgivingPaginator
from core.permissions import StaffPermissionRequiredMixin

from . import dashboard, figures, pages
from .figures import Filters
from .forms import PeriodChoiceForm, PeriodForm, StatsFilterForm


class StatsView(TemplateView):
    """The federation in figures, for residents: charts from live data, filtered by year and community."""

    page_cache = ("members", "projects", "events", "incubation")  # the data families it shows (pagecache.py)
    # The monthly duty reads check-ins (MONTHLY_DUTY_PROOF), but only of completed events, whose check-ins no
    # longer change: completing an event (the report, family "events") is what moves the figure.
    page_cache_lagging = ("signups",)
    template_name = "stats/stats.html"
    is_staff_page = False

    def get_figures(self, filters):
        return figures.page_figures(filters)

    def get_charts(self, filters, communities, data):
        return pages.public_charts(filters, communities, data)

    def get_context_data(self, **kwargs):
        form = StatsFilterForm(self.request.GET or None)
        year, community = form.filter_values()
        filters = Filters(year=year, community=community)
        communities = list(form.fields["community"].queryset)  # the filter's options and the chart's rows
        data = self.get_figures(filters)
        headline = figures.page_headline(filters, data)
        return super().get_context_data(
            form=form,
            filters=filters,
            communities=communities,
            headline=headline,
            headline_cards=pages.headline_cards(headline),
            charts=self.get_charts(filters, communities, data),
            is_staff_page=self.is_staff_page,
            **self.get_extra_context(filters, data),
            **kwargs,
        )

    def get_extra_context(self, filters, data):
        return {}


class StaffStatsView(StaffPermissionRequiredMixin, StatsView):
    """The staff version: also the monthly-duty compliance rate."""

    permission_required = "stats.view_statistics"
    is_staff_page = True
    page_cache = None  # staff only: never from the page cache, and no look-up for it

    def get_figures(self, filters):
        return figures.page_figures(filters, with_compliance=True)

    def get_charts(self, filters, communities, data):
        return pages.staff_charts(filters, communities, data)

    def get_extra_context(self, filters, data):
        """Residents' ratings per organization in the year (the lowest first; the whole list on its page), and the
        figures of the period chosen (the reporting pack's)."""
        rows = data["feedback"]
        period_form = PeriodChoiceForm(self.request.GET or None)
        period = period_form.chosen()
        return {
            "feedback_rows": rows[:FEEDBACK_ROWS],
            "feedback_more": len(rows) > FEEDBACK_ROWS,
            "feedback_query": f"since={filters.year}-01-01&until={filters.year}-12-31",
            # The figures of a quarter, half or year, as the reporting pack (reports) sends them upward.
            "period_form": period_form,
            "period": period,
            "period_data": figures.period_figures_of_today(period),
        }


FEEDBACK_ROWS = 15


class StaffFeedbackView(StaffPermissionRequiredMixin, ListView):
    """Residents' average rating per organization over any period (by the events' start): staff see which
    organizations residents rate low, and read the comments in the admin."""

    permission_required = "events.view_feedback"
    template_name = "stats/feedback.html"
    context_object_name = "rows"
    paginate_by = 50
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        self.form = PeriodForm(self.request.GET or None)
        self.since, self.until = self.form.period()
        return figures.feedback_by_organization(self.since, self.until)

    def get_context_data(self, **kwargs):
        rows = self.object_list
        total = sum(row["count"] for row in rows)
        average = sum(row["average"] * row["count"] for row in rows) / total if total else None
        return super().get_context_data(
            form=self.form, since=self.since, until=self.until, total=total, average=average, **kwargs
        )


class StaffDashboardView(StaffPermissionRequiredMixin, TemplateView):
    permission_required = "stats.view_dashboard"
    template_name = "stats/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tasks=dashboard.staff_tasks(), **kwargs)
