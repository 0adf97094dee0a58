from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("staff/reports/", views.ReportsView.as_view(), name="staff"),
    path("staff/reports/download/", views.ReportDownloadView.as_view(), name="download"),
    path("portal/annual-report/", views.AnnualReportIndexView.as_view(), name="annual-index"),
    path("portal/annual-report/<int:year>/", views.AnnualReportView.as_view(), name="annual"),
    path("portal/annual-report/<int:year>/xlsx/", views.AnnualReportXlsxView.as_view(), name="annual-xlsx"),
]
