from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.permissions import StaffPermissionRequiredMixin, has_staff_permission
from core.spreadsheets import write_workbook, xlsx_response
from members.permissions import OrganizationAdminRequiredMixin
from stats import figures
from stats.forms import FIRST_YEAR

from . import services
from .annual import TO_FILL, annual_report
from .forms import ReportForm
from .layout import UnknownFigureKeyError
from .models import ReportDownload

RECENT_DOWNLOADS = 20


class ReportsView(StaffPermissionRequiredMixin, TemplateView):
    """Staff choose a period and a template, see the checks, and download the pack; the latest downloads below."""

    permission_required = "reports.download_report"
    template_name = "reports/reports.html"

    def get_context_data(self, **kwargs):
        form = ReportForm(self.request.GET or None)
        period, template = form.values()
        context = {"form": form, "period": period, "template": template}
        if template is not None:
            try:
                context["data"], _labels, context["checks"] = services.prepare_report(period, template)
                context["failed"] = [check for check in context["checks"] if not check.passed]
            except UnknownFigureKeyError as error:
                context["unknown_keys"] = error.keys
        if has_staff_permission(self.request.user, "reports.view_reportdownload"):
            context["downloads"] = ReportDownload.objects.select_related("user")[:RECENT_DOWNLOADS]
        return super().get_context_data(**context, **kwargs)


class ReportDownloadView(StaffPermissionRequiredMixin, View):
    """The pack as .xlsx (POST: each download is recorded)."""

    permission_required = "reports.download_report"
    http_method_names = ["post"]

    def post(self, request):
        form = ReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a period and a template."))
            return redirect("reports:staff")
        period, template = form.values()
        try:
            content, _download = services.download_report(period, template, acting_user=request.user)
        except UnknownFigureKeyError as error:
            messages.error(request, _("The template labels unknown figure keys: %(keys)s.") % {
                "keys": ", ".join(error.keys)})
            return redirect("reports:staff")
        return xlsx_response(content, f"report-{period}-{template.pk}")


class AnnualReportMixin(OrganizationAdminRequiredMixin):
    """An organization's own annual report draft, for a year from FIRST_YEAR to this one."""

    def dispatch(self, request, *args, **kwargs):
        if not FIRST_YEAR <= kwargs["year"] <= figures.current_year():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AnnualReportIndexView(OrganizationAdminRequiredMixin, View):
    """The portal's menu entry: this year's draft."""

    def get(self, request):
        return redirect("reports:annual", year=figures.current_year())


class AnnualReportView(AnnualReportMixin, TemplateView):
    """The draft as a printable page."""

    template_name = "reports/manage/annual_report.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=annual_report(self.organization, self.kwargs["year"]), to_fill=str(TO_FILL),
            years=range(figures.current_year(), FIRST_YEAR - 1, -1), **kwargs,
        )


class AnnualReportXlsxView(AnnualReportMixin, View):
    """The draft as an Excel workbook, a sheet per section."""

    def get(self, request, year):
        sections = annual_report(self.organization, year)
        content = write_workbook([(title, header, rows) for _key, title, header, rows in sections])
        return xlsx_response(content, f"annual-report-{year}-{self.organization.pk}")
