from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/<str:slug>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("join/", views.JoinView.as_view(), name="join"),
    path("invitations/<str:token>/", views.AcceptInvitationView.as_view(), name="accept-invitation"),
    path("portal/", views.DashboardView.as_view(), name="portal"),
    path("portal/inbox/", views.InboxView.as_view(), name="inbox"),
    path("portal/organization/", views.ProfileUpdateView.as_view(), name="manage-profile"),
    path("portal/people/", views.PeopleView.as_view(), name="manage-people"),
    path("portal/people/invite/", views.InviteView.as_view(), name="manage-invite"),
    path("portal/people/<int:pk>/remove/", views.RemoveColleagueView.as_view(), name="manage-remove"),
    path("portal/invitations/<int:pk>/revoke/", views.RevokeInvitationView.as_view(), name="manage-revoke"),
    path("portal/membership/", views.MembershipView.as_view(), name="manage-membership"),
]
