from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("portal/contracts/", views.ManageContractListView.as_view(), name="manage-list"),
    path("portal/contracts/<int:pk>/", views.ManageContractDetailView.as_view(), name="manage-detail"),
    path("evaluations/", views.EvaluatorListView.as_view(), name="evaluator-list"),
    path("evaluations/<int:pk>/", views.EvaluateView.as_view(), name="evaluate"),
    path("staff/contracts/", views.StaffContractListView.as_view(), name="staff-list"),
    path("staff/contracts/new/", views.StaffContractCreateView.as_view(), name="staff-create"),
    path("staff/contracts/<int:pk>/", views.StaffContractDetailView.as_view(), name="staff-detail"),
    path("staff/contracts/<int:pk>/evaluators/", views.StaffEvaluatorsView.as_view(), name="staff-evaluators"),
    path("staff/contracts/<int:pk>/payments/", views.StaffPaymentView.as_view(), name="staff-payment"),
    path("staff/contracts/<int:pk>/resume/", views.StaffResumeView.as_view(), name="staff-resume"),
    path(
        "staff/contracts/export/<str:what>.<str:file_format>", views.StaffExportView.as_view(), name="staff-export"
    ),
]
