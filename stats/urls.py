from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("staff/", views.StaffDashboardView.as_view(), name="dashboard"),
    path("staff/stats/", views.StaffStatsView.as_view(), name="staff"),
    path("staff/feedback/", views.StaffFeedbackView.as_view(), name="feedback"),
]
