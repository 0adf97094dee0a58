from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="list"),
    path("events/feed.ics", views.CalendarFeedView.as_view(), name="feed"),
    path("events/feed/<str:slug>.ics", views.OrganizationFeedView.as_view(), name="organization-feed"),
    path("events/calendar/", views.EventMonthView.as_view(), name="month"),
    path("events/calendar/<int:year>/<int:month>/", views.EventMonthView.as_view(), name="month"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("events/<int:pk>/sign-up/", views.EventSignUpView.as_view(), name="sign-up"),
    path("events/sign-ups/<str:token>/", views.RegistrationView.as_view(), name="registration"),
    path("r/<str:code>/", views.short_link, name="short-link"),
    path("events/sign-ups/<str:token>/cancel/", views.RegistrationCancelView.as_view(), name="registration-cancel"),
    path("portal/events/", views.ManageEventListView.as_view(), name="manage-list"),
    path("portal/events/new/", views.ManageEventCreateView.as_view(), name="manage-create"),
    path("portal/events/registrations/", views.ManageRegistrationListView.as_view(), name="manage-registrations"),
    path("portal/events/<int:pk>/", views.ManageEventDetailView.as_view(), name="manage-detail"),
    path("portal/events/<int:pk>/edit/", views.ManageEventUpdateView.as_view(), name="manage-edit"),
    path("portal/events/<int:pk>/publish/", views.ManageEventPublishView.as_view(), name="manage-publish"),
    path("portal/events/<int:pk>/cancel/", views.ManageEventCancelView.as_view(), name="manage-cancel"),
    path("portal/events/<int:pk>/report/", views.ManageEventReportView.as_view(), name="manage-report"),
    path(
        "portal/events/<int:pk>/registrations.<str:file_format>",
        views.ManageEventExportView.as_view(),
        name="manage-export",
    ),
    path(
        "portal/events/<int:pk>/registrations/<int:registration_pk>/<str:action>/",
        views.ManageRegistrationActionView.as_view(),
        name="manage-registration-action",
    ),
    path("staff/monthly-activity/", views.ComplianceView.as_view(), name="compliance"),
    path(
        "staff/monthly-activity/export.<str:file_format>",
        views.ComplianceExportView.as_view(),
        name="compliance-export",
    ),
]

# Finding one's sign-ups by mobile, and the text-message switch of the private page. Appended with its own
# import so that it merges cleanly with work on the lines above.
from . import lookup  # noqa: E402

urlpatterns += [
    path("events/my/", lookup.MySignUpsView.as_view(), name="my-sign-ups"),
    path("events/my/code/", lookup.RequestCodeView.as_view(), name="my-sign-ups-code"),
    path("events/my/verify/", lookup.VerifyCodeView.as_view(), name="my-sign-ups-verify"),
    path("events/my/forget/", lookup.ForgetMobileView.as_view(), name="my-sign-ups-forget"),
    path(
        "events/sign-ups/<str:token>/text-messages/",
        lookup.RegistrationTextMessagesView.as_view(),
        name="registration-text-messages",
    ),
]

# Attendance (events/attendance.py): the poster, the check-in page and the venue QR code, self check-in, the
# sign-in sheet.
from . import attendance  # noqa: E402

urlpatterns += [
    path("events/<int:pk>/poster/", attendance.EventPosterView.as_view(), name="poster"),
    path("events/<int:pk>/check-in/<str:token>/", attendance.SelfCheckInView.as_view(), name="self-check-in"),
    path("portal/events/<int:pk>/check-in/", attendance.CheckInView.as_view(), name="manage-check-in"),
    path("portal/events/<int:pk>/venue-code/", attendance.VenueCodeView.as_view(), name="manage-venue-code"),
    path("portal/events/<int:pk>/sign-in-sheet/", attendance.SignInSheetView.as_view(), name="manage-sign-in-sheet"),
]

# Residents' feedback (events.feedback): the resident's rating through the private link, the organizer's overview.
from . import feedback  # noqa: E402

urlpatterns += [
    path(
        "events/sign-ups/<str:token>/feedback/",
        feedback.RegistrationFeedbackView.as_view(),
        name="registration-feedback",
    ),
    path("portal/events/feedback/", feedback.ManageFeedbackView.as_view(), name="manage-feedback"),
]
