from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    # Residents
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/<str:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path("calls/", views.CallListView.as_view(), name="calls"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call-detail"),
    path("needs/", views.NeedListView.as_view(), name="needs"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need-detail"),
    # Member organizations
    path("portal/projects/", views.ManageProjectListView.as_view(), name="manage-list"),
    path("portal/projects/new/", views.ManageProjectCreateView.as_view(), name="manage-create"),
    path("portal/projects/<int:pk>/", views.ManageProjectDetailView.as_view(), name="manage-detail"),
    path("portal/projects/<int:pk>/edit/", views.ManageProjectUpdateView.as_view(), name="manage-edit"),
    path("portal/projects/<int:pk>/submit/", views.ManageProjectSubmitView.as_view(), name="manage-submit"),
    path("portal/projects/<int:pk>/state/", views.ManageProjectTransitionView.as_view(), name="manage-transition"),
    path("portal/projects/<int:pk>/updates/new/", views.ManageProgressUpdateView.as_view(), name="manage-update"),
    path("portal/projects/needs/", views.ManageNeedListView.as_view(), name="manage-needs"),
    path("portal/projects/needs/<int:pk>/respond/", views.ManageNeedRespondView.as_view(), name="manage-respond"),
    # Reviewers
    path("review/", views.ReviewCallListView.as_view(), name="review-list"),
    path("review/calls/<int:pk>/", views.ReviewCallDetailView.as_view(), name="review-call"),
    path("review/proposals/<int:pk>/", views.ReviewProposalView.as_view(), name="review-proposal"),
    # Street-office staff
    path("staff/calls/<int:pk>/ranking/", views.RankingView.as_view(), name="ranking"),
    path("staff/calls/<int:pk>/state/", views.CallStateView.as_view(), name="call-state"),
    path("staff/calls/<int:pk>/close-early/", views.CallCloseEarlyView.as_view(), name="call-close-early"),
    path("staff/projects/<int:pk>/decide/", views.DecideProjectView.as_view(), name="decide"),
]
