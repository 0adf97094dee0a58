from django.views.generic import TemplateView

from core.permissions import StaffPermissionRequiredMixin

from . import dashboard, figures, pages
from .figures import Filters
from .forms import StatsFilterForm


class StatsView(TemplateView):
    """The federation in figures, for residents: charts from live data, filtered by year and community."""

    page_cache = ("members", "projects", "events")  # the data families it shows (federation_portal/pagecache.py)
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
            **kwargs,
        )


class StaffStatsView(StaffPermissionRequiredMixin, StatsView):
    """The staff version: also the monthly-duty compliance rate."""

    permission_required = "stats.view_statistics"
    is_staff_page = True
    page_cache = None  # staff only: never from the page cache, and no look-up for it

    def get_figures(self, filters):
        return figures.page_figures(filters, with_compliance=True)

    def get_charts(self, filters, communities, data):
        return pages.staff_charts(filters, communities, data)


class StaffDashboardView(StaffPermissionRequiredMixin, TemplateView):
    permission_required = "stats.view_dashboard"
    template_name = "stats/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tasks=dashboard.staff_tasks(), **kwargs)
