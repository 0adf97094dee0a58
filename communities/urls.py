from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    # Public: the neighbourhoods' pages
    path("communities/", views.CommunityListView.as_view(), name="list"),
    path("communities/<str:code>/", views.CommunityDetailView.as_view(), name="detail"),
    # The neighbourhood committee's portal
    path("community/", views.ActivitiesView.as_view(), name="portal"),
    path("community/activities/<int:pk>/confirm/", views.ConfirmActivityView.as_view(), name="confirm"),
    path("community/activities/<int:pk>/dispute/", views.DisputeActivityView.as_view(), name="dispute-activity"),
    path("community/people/", views.PeopleView.as_view(), name="people"),
    path("community/people/invite/", views.InviteColleagueView.as_view(), name="invite"),
    path("community/needs/", views.NeedListView.as_view(), name="needs"),
    path("community/needs/new/", views.NeedCreateView.as_view(), name="need-create"),
    path("community/needs/<int:pk>/", views.NeedDetailView.as_view(), name="need"),
    path(
        "community/needs/<int:pk>/responses/<int:response_pk>/propose/", views.ProposeResponseView.as_view(),
        name="propose",
    ),
    path("community/ratings/", views.RatingsView.as_view(), name="ratings"),
    path("community/ratings/<str:quarter>/<int:organization_pk>/", views.RateView.as_view(), name="rate"),
    path(
        "community/invitations/<str:token>/", views.AcceptCommunityInvitationView.as_view(),
        name="accept-invitation",
    ),
    # Staff
    path("staff/communities/invite/", views.InviteView.as_view(), name="staff-invite"),
    path("staff/disputes/", views.DisputeListView.as_view(), name="disputes"),
    path("staff/disputes/<int:pk>/", views.ResolveDisputeView.as_view(), name="dispute"),
    path("staff/need-proposals/", views.NeedProposalListView.as_view(), name="need-proposals"),
    path("staff/need-proposals/<int:pk>/confirm/", views.ConfirmNeedProposalView.as_view(), name="confirm-proposal"),
    path("staff/community-ratings/", views.StaffRatingsView.as_view(), name="staff-ratings"),
    path("staff/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("staff/coverage/export.<str:file_format>", views.CoverageExportView.as_view(), name="coverage-export"),
]
