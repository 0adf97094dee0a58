from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("community/", views.ActivitiesView.as_view(), name="portal"),
    path("community/activities/<int:pk>/confirm/", views.ConfirmActivityView.as_view(), name="confirm"),
    path("community/activities/<int:pk>/dispute/", views.DisputeActivityView.as_view(), name="dispute-activity"),
    path(
        "community/invitations/<str:token>/", views.AcceptCommunityInvitationView.as_view(),
        name="accept-invitation",
    ),
    path("staff/communities/invite/", views.InviteView.as_view(), name="staff-invite"),
    path("staff/disputes/", views.DisputeListView.as_view(), name="disputes"),
    path("staff/disputes/<int:pk>/", views.ResolveDisputeView.as_view(), name="dispute"),
]
