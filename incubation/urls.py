from django.urls import path

from . import views

app_name = "incubation"

urlpatterns = [
    path("incubator/", views.IncubatorView.as_view(), name="index"),
    path("incubator/file/", views.FileTeamView.as_view(), name="file"),
    path("incubator/mentoring/", views.MentoringView.as_view(), name="mentoring"),
    path(
        "incubator/mentoring/milestones/<int:pk>/confirm/", views.ConfirmMilestoneView.as_view(),
        name="mentoring-confirm",
    ),
    path("portal/incubation/", views.ManageView.as_view(), name="manage"),
    path("portal/incubation/certificate/", views.ManageCertificateView.as_view(), name="manage-certificate"),
    path("portal/incubation/confirm/", views.ConfirmFilingView.as_view(), name="manage-confirm"),
    path("portal/incubation/milestones/<int:pk>/tick/", views.TickMilestoneView.as_view(), name="manage-tick"),
    path("portal/incubation/apply/", views.ApplyForMembershipView.as_view(), name="manage-apply"),
    path("portal/incubation/apply-to-base/", views.ApplyToBaseView.as_view(), name="manage-apply-base"),
    path("community/filings/", views.CommunityFilingsView.as_view(), name="community-filings"),
    path("community/filings/<int:pk>/", views.CommunityOpinionView.as_view(), name="community-filing"),
    path("staff/incubation/", views.StaffPipelineView.as_view(), name="staff"),
    path("staff/incubation/filings/<int:pk>/", views.StaffFilingView.as_view(), name="staff-filing"),
    path(
        "staff/incubation/filings/<int:pk>/certificate/", views.StaffCertificateView.as_view(),
        name="staff-certificate",
    ),
    path("staff/incubation/admit/", views.AdmitView.as_view(), name="staff-admit"),
    path("staff/incubation/<int:pk>/", views.StaffIncubationView.as_view(), name="staff-incubation"),
    path("staff/incubation/<int:pk>/graduate/", views.GraduateView.as_view(), name="staff-graduate"),
    path("staff/incubation/<int:pk>/sessions/", views.LogSupportSessionView.as_view(), name="staff-session"),
]
