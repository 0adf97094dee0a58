"""Every page the browser, accessibility and HTML checks visit: adding a page is one line in PAGES.

A page is a URL name (with `reverse()` kwargs) or a plain path, plus who is logged in, and optionally
form data to POST (a form answering with its errors). The demo world
(`seed_demo`) is loaded before the URLs are resolved, so kwargs may be a function that looks up or
makes what the page needs (an organization's slug, an invitation token…).

    Page("projects", "projects:list"),
    Page("project", "projects:detail", kwargs=lambda: {"slug": Project.objects.public().first().slug}),
    Page("portal projects", "projects:manage-list", user=ORG_ADMIN),
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

# Demo accounts made by members/demo.py (password Changshou-2026).
ORG_ADMIN = "org@changshou.demo"  # admin of 长寿社区食品银行服务社
ORG_EDITOR = "editor@changshou.demo"
STAFF = "staff"
REVIEWER = "reviewer"
DEMO_ORGANIZATION = "长寿社区食品银行服务社"


@dataclass(frozen=True)
class Page:
    name: str  # unique, used in test output and screenshot file names
    url: str  # URL name ("members:organization-list") or a path starting with "/"
    kwargs: dict | Callable[[], dict] = field(default_factory=dict)  # for reverse(); a function runs after seeding
    query: str | Callable[[], str] = ""  # appended after "?"; a function runs after seeding
    user: str | None = None  # username of the demo account that is logged in; None: anonymous
    data: dict | None = None  # POST this form data (e.g. to see a form's errors) instead of a GET
    status: int = 200  # what the server answers (after redirects)
    screenshot: bool = False  # part of `make screenshots` (docs/screenshots/)

    @property
    def is_public(self):
        return self.user is None

    def path(self):
        if self.url.startswith("/"):
            path = self.url
        else:
            kwargs = self.kwargs() if callable(self.kwargs) else self.kwargs
            path = reverse(self.url, kwargs=kwargs)
        query = self.query() if callable(self.query) else self.query
        return f"{path}?{query}" if query else path

    @property
    def slug(self):
        return self.name.replace(" ", "-")


def organization_slug(name=DEMO_ORGANIZATION):
    from members.models import Organization

    return {"slug": Organization.objects.get(name=name).slug}


def field_pk(code="elderly"):
    from members.models import ServiceField

    return ServiceField.objects.get(code=code).pk


def password_reset_link(username=ORG_ADMIN):
    user = get_user_model().objects.get(username=username)
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def invitation_token(email="new.colleague@changshou.demo"):
    """A pending invitation of the demo organization (made on first use)."""
    from datetime import timedelta

    from django.utils import timezone

    from members.models import Invitation, Organization

    invitation, _ = Invitation.objects.get_or_create(
        email=email,
        defaults={
            "organization": Organization.objects.get(name=DEMO_ORGANIZATION),
            "token": "e2e-invitation-token",
            "expires_at": timezone.now() + timedelta(days=7),
        },
    )
    return {"token": invitation.token}


def public_project():
    from projects.models import Project

    return {"slug": Project.objects.public().order_by("pk").first().slug}


def public_call():
    from projects.models import Call

    return {"pk": Call.objects.public().order_by("pk").first().pk}


def public_need():
    from projects.models import CommunityNeed

    return {"pk": CommunityNeed.objects.public().order_by("pk").first().pk}


def public_event():
    from events.models import Event

    return {"pk": Event.objects.public().upcoming().order_by("starts_at", "pk").first().pk}


def open_event():
    """An upcoming public event whose sign-up is open now, so that its sign-up page shows the form at any hour."""
    from events.models import Event

    events = Event.objects.public().upcoming().with_place_counts().order_by("starts_at", "pk")[:200]
    return {"pk": next(event.pk for event in events if event.is_signup_open)}


def own_event():
    from events.models import Event
    from members.models import Organization

    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    return {"pk": Event.objects.for_organization(organization).order_by("pk").first().pk}


def registration_token():
    from events.models import Registration

    return {"token": Registration.objects.order_by("pk").first().token}


PAGES = [
    # Public pages
    Page("home", "home", screenshot=True),
    Page("organizations", "members:organization-list", screenshot=True),
    Page("organizations filtered", "members:organization-list", query=lambda: f"service_field={field_pk()}&stars=3"),
    Page("organizations page 2", "members:organization-list", query="page=2"),
    Page("organization", "members:organization-detail", kwargs=organization_slug, screenshot=True),
    Page("about", "members:about", screenshot=True),
    Page("search", "search", query="q=长寿"),
    Page("search empty", "search"),
    Page("join", "members:join", screenshot=True),
    Page("login", "login", screenshot=True),
    Page("password reset", "password_reset"),
    Page("password reset sent", "password_reset_done"),
    Page("password reset confirm", "password_reset_confirm", kwargs=password_reset_link),
    Page("invitation accept", "members:accept-invitation", kwargs=invitation_token),
    Page("not found", "/no-such-page/", status=404),
    # Forms answering with errors
    Page("join with errors", "members:join", data={"account-email": "not-an-email", "account-password1": "short"}),
    Page("login with errors", "login", data={"username": "", "password": ""}),
    Page("login wrong password", "login", data={"username": ORG_ADMIN, "password": "wrong-password"}),
    Page("projects", "projects:list", screenshot=True),
    Page("project", "projects:detail", kwargs=public_project, screenshot=True),
    Page("calls", "projects:calls"),
    Page("call", "projects:call-detail", kwargs=public_call),
    Page("needs", "projects:needs"),
    Page("need", "projects:need-detail", kwargs=public_need),
    Page("events", "events:list", screenshot=True),
    Page("events calendar", "events:month"),
    Page("event", "events:detail", kwargs=public_event, screenshot=True),
    Page("event sign-up", "events:sign-up", kwargs=open_event),
    Page(
        "event sign-up with errors",
        "events:sign-up",
        kwargs=open_event,
        data={"name": "", "mobile": "123"},
        status=400,
    ),
    Page("registration", "events:registration", kwargs=registration_token),
    # Organization portal
    Page("portal", "members:portal", user=ORG_ADMIN, screenshot=True),
    Page("portal profile", "members:manage-profile", user=ORG_ADMIN, screenshot=True),
    Page("portal people", "members:manage-people", user=ORG_ADMIN),
    Page("portal people editor", "members:manage-people", user=ORG_EDITOR),
    Page("portal membership", "members:manage-membership", user=ORG_ADMIN),
    Page("portal inbox", "members:inbox", user=ORG_ADMIN),
    Page("password change", "password_change", user=ORG_ADMIN),
    Page("password change done", "password_change_done", user=ORG_ADMIN),
    Page("portal projects", "projects:manage-list", user=ORG_ADMIN),
    Page("portal new project", "projects:manage-create", user=ORG_ADMIN),
    Page("portal needs", "projects:manage-needs", user=ORG_ADMIN),
    Page("review", "projects:review-list", user=REVIEWER),
    Page("portal events", "events:manage-list", user=ORG_ADMIN),
    Page("portal event", "events:manage-detail", kwargs=own_event, user=ORG_ADMIN),
    Page("portal event edit", "events:manage-edit", kwargs=own_event, user=ORG_ADMIN),
    Page("portal new event", "events:manage-create", user=ORG_ADMIN),
    Page("portal event report", "events:manage-report", kwargs=own_event, user=ORG_ADMIN),
    Page("portal registrations", "events:manage-registrations", user=ORG_ADMIN),
    # Statistics
    Page("statistics", "stats", screenshot=True),
    Page("statistics filtered", "stats", query="year=2025"),
    # Staff pages
    Page("monthly activity", "events:compliance", user=STAFF),
    Page("staff statistics", "stats:staff", user=STAFF),
    Page("staff dashboard", "stats:dashboard", user=STAFF),
    Page("portal profile with errors", "members:manage-profile", user=ORG_ADMIN, data={"name": "", "website": "x"}),
    Page("portal invite with errors", "members:manage-invite", user=ORG_ADMIN, data={"email": "not-an-email"}),
]
