from django.urls import path

from . import party_building, views

app_name = "evaluation"

urlpatterns = [
    path("portal/evaluation/", views.ManageDossierListView.as_view(), name="manage-list"),
    path("portal/evaluation/<int:pk>/", views.ManageDossierView.as_view(), name="manage-detail"),
    path("evaluation/assess/", views.AssessListView.as_view(), name="assess-list"),
    path("evaluation/assess/<int:pk>/", views.AssessDossierView.as_view(), name="assess-dossier"),
    path("evaluation/evidence/<int:pk>/", views.EvidenceFileView.as_view(), name="evidence-file"),
    path("staff/evaluation/", views.CycleListView.as_view(), name="cycles"),
    path("staff/evaluation/open/", views.OpenCycleView.as_view(), name="cycle-open"),
    path("staff/evaluation/<int:pk>/", views.CycleDetailView.as_view(), name="cycle"),
    path("staff/evaluation/<int:pk>/publish/", views.PublishCycleView.as_view(), name="cycle-publish"),
    path("staff/party-building/", party_building.PartyBuildingView.as_view(), name="party-building"),
    path(
        "staff/party-building/export.<str:file_format>", party_building.PartyBuildingExportView.as_view(),
        name="party-building-export",
    ),
]
