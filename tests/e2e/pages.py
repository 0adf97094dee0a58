"""Every page the browser, accessibility and HTML checks visit: adding a page is one line in PAGES.

A page is a URL name (with `reverse()` kwargs) or a plain path, plus who is logged in, and optionally
form data to POST (a form answering with its errors). The demo world (`seed_demo`) and the tour's own
objects (world.py) are loaded before the URLs are resolved, so kwargs may be a function that looks up or
makes what the page needs (an organization's slug, an invitation token…).

The demo is built around the day it is loaded, so a page of one object opens an object the tour made itself
(world.py) or one picked by a rule that holds on any day (a fixed name, the first by key of rows the demo
always makes alike), never "the next event" or anything else the calendar decides.

    Page("projects", "projects:list"),
    Page("project", "projects:detail", kwargs=lambda: {"slug": Project.objects.public().first().slug}),
    Page("portal projects", "projects:manage-list", user=ORG_ADMIN),
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .world import BUSY, OPEN_CALL, RATED, RESIDENT, UPCOMING

# Demo accounts made by members/demo.py (password Changshou-2026).
ORG_ADMIN = "org@changshou.demo"  # admin of 长寿社区食品银行服务社
ORG_EDITOR = "editor@changshou.demo"
STAFF = "staff"
COMMITTEE = "cs01-jwh"  # the neighbourhood committee of the first demo community (communities app)
COMMITTEE_MEMBER = "cs01-jwh-member"  # a member (not an administrator) of the same committee
REVIEWER = "reviewer"
INCUBATED_TEAM = "team@changshou.demo"  # incubation/demo.py
MENTOR = "elderly@changshou.demo"
EVALUATOR = "evaluator"  # the third-party evaluator of the demo's contracts (contracts/demo.py)
ASSESSOR = "assessor"  # evaluation/demo.py
OPEN_EVALUATION = "本年度社会组织等级评估"
FINISHED_EVALUATION = "上一年度社会组织等级评估"
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
    html_check: bool = True  # checked by the Nu Html Checker (test_html.py); False only where the markup is not ours

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


def demo_dossier(cycle, organization=DEMO_ORGANIZATION):
    def kwargs():
        from evaluation.models import Dossier

        return {"pk": Dossier.objects.get(cycle__name=cycle, organization__name=organization).pk}

    return kwargs


def demo_cycle(name):
    def kwargs():
        from evaluation.models import Cycle

        return {"pk": Cycle.objects.get(name=name).pk}

    return kwargs


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


def contract(project_title):
    """kwargs of a demo contract's pages, by its project (contracts/demo.py)."""

    def kwargs():
        from contracts.models import Contract

        return {"pk": Contract.objects.get(project__title=project_title).pk}

    return kwargs


def midterm(project_title):
    def kwargs():
        from contracts.models import Evaluation

        return {"pk": Evaluation.objects.get(contract__project__title=project_title, kind="midterm").pk}

    return kwargs


def contract_project(project_title):
    def kwargs():
        from projects.models import Project

        return {"slug": Project.objects.get(title=project_title).slug}

    return kwargs


def public_call():
    from projects.models import Call

    return {"pk": Call.objects.public().order_by("pk").first().pk}


def public_need():
    from projects.models import CommunityNeed

    return {"pk": CommunityNeed.objects.public().order_by("pk").first().pk}


def committee_need(title="楼道老人助餐配送志愿者"):
    """长寿居委会's need with responses and no proposal yet (communities/demo.py)."""
    from projects.models import CommunityNeed

    return {"pk": CommunityNeed.objects.get(title=title).pk}


def committee_rating():
    """The first organization 长寿居委会 rates in the quarter before this one (communities/demo.py)."""
    from communities.models import organizations_to_rate, quarter_label, quarter_of, shift_quarter
    from members.models import Community

    quarter = shift_quarter(quarter_of(), -1)
    organization = organizations_to_rate(Community.objects.get(code="CS01"), quarter).first()
    return {"quarter": quarter_label(quarter), "organization_pk": organization.pk}


def tour_event(title):
    """kwargs of one of the events the tour makes for itself (tests/e2e/world.py): the same on any day."""

    def kwargs():
        from events.models import Event

        return {"pk": Event.objects.get(title=title).pk}

    return kwargs


def tour_call():
    """The tour's call still accepting proposals (tests/e2e/world.py)."""
    from projects.models import Call

    return {"pk": Call.objects.get(title=OPEN_CALL).pk}


def tour_event_filter(title):
    return lambda: f"event={tour_event(title)()['pk']}"


def venue_check_in(title):
    """The self check-in page that the venue QR code of the tour event `title` opens."""

    def kwargs():
        from events.models import Event

        event = Event.objects.get(title=title)
        return {"pk": event.pk, "token": event.venue_token}

    return kwargs


def tour_registration():
    """A resident's place at the tour's upcoming event."""
    from events.models import Registration

    return {"token": Registration.objects.get(event__title=UPCOMING, name=RESIDENT).token}


def rating_registration():
    """The tour's resident, checked in at the event that ended yesterday and not rated yet: the rating form."""
    from events.models import Registration

    return {"token": Registration.objects.get(event__title=RATED, name=RESIDENT).token}


# "My sign-ups": the tour's resident (world.py: the first sign-up of each tour event) and a code the tour knows.
RESIDENT_MOBILE = "13900000001"
TOUR_CODE = "246810"


def known_lookup_code():
    """A code for RESIDENT_MOBILE that the tour knows, made just before the page is opened (codes last minutes and
    the latest counts): the page of a verified number, without reading a text message."""
    from events.models import LookupCode

    LookupCode.objects.create(mobile=RESIDENT_MOBILE, code_hash=LookupCode.hash_code(RESIDENT_MOBILE, TOUR_CODE))
    return {}


def demo_figures_year():
    """A year the demo's figures cover whatever the day: that of its orienteering event (the last National Day)."""
    from django.utils import timezone

    from events.demo import MARKER_TITLE
    from events.models import Event

    return f"year={timezone.localtime(Event.objects.get(title=MARKER_TITLE).starts_at).year}"


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
    Page("communities", "communities:list"),
    Page("community", "communities:detail", kwargs={"code": "CS01"}),
    Page("need", "projects:need-detail", kwargs=public_need),
    Page("events", "events:list", screenshot=True),
    Page("events calendar", "events:month"),
    Page("event", "events:detail", kwargs=tour_event(UPCOMING), screenshot=True),
    Page("event sign-up", "events:sign-up", kwargs=tour_event(UPCOMING)),
    Page(
        "event sign-up with errors",
        "events:sign-up",
        kwargs=tour_event(UPCOMING),
        data={"name": "", "mobile": "123"},
        status=400,
    ),
    Page("registration", "events:registration", kwargs=tour_registration),
    Page("event poster", "events:poster", kwargs=tour_event(UPCOMING)),
    Page("self check-in", "events:self-check-in", kwargs=venue_check_in(BUSY)),
    Page("self check-in unknown number", "events:self-check-in", kwargs=venue_check_in(BUSY),
         data={"mobile": "13012345678"}),
    Page("registration cancel", "events:registration-cancel", kwargs=tour_registration),
    Page("registration after the event", "events:registration", kwargs=rating_registration),
    Page("registration feedback", "events:registration-feedback", kwargs=rating_registration),
    Page(
        "registration feedback with errors",
        "events:registration-feedback",
        kwargs=rating_registration,
        data={"rating": "", "comment": "x" * 501},
        status=400,
    ),
    Page("my sign-ups", "events:my-sign-ups"),
    Page("my sign-ups with errors", "events:my-sign-ups-code", data={"mobile": "123"}, status=400),
    Page("my sign-ups code", "events:my-sign-ups-code", data={"mobile": RESIDENT_MOBILE}),
    Page("my sign-ups wrong code", "events:my-sign-ups-verify", data={"mobile": RESIDENT_MOBILE, "code": "000000"},
         status=400),
    Page(
        "my sign-ups list",
        "events:my-sign-ups-verify",
        kwargs=known_lookup_code,
        data={"mobile": RESIDENT_MOBILE, "code": TOUR_CODE},
    ),
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
    Page("portal event", "events:manage-detail", kwargs=tour_event(BUSY), user=ORG_ADMIN),
    Page("portal event edit", "events:manage-edit", kwargs=tour_event(UPCOMING), user=ORG_ADMIN),
    Page("portal new event", "events:manage-create", user=ORG_ADMIN),
    Page("portal event report", "events:manage-report", kwargs=tour_event(BUSY), user=ORG_ADMIN),
    Page("portal check-in", "events:manage-check-in", kwargs=tour_event(BUSY), user=ORG_ADMIN),
    Page("portal check-in search", "events:manage-check-in", kwargs=tour_event(BUSY), query="q=王", user=ORG_ADMIN),
    Page("portal venue code", "events:manage-venue-code", kwargs=tour_event(BUSY), user=ORG_ADMIN),
    Page("portal sign-in sheet", "events:manage-sign-in-sheet", kwargs=tour_event(BUSY), user=ORG_ADMIN),
    Page("portal registrations", "events:manage-registrations", user=ORG_ADMIN),
    Page("portal event rated", "events:manage-detail", kwargs=tour_event(RATED), user=ORG_ADMIN),
    Page("portal ratings", "events:manage-feedback", user=ORG_ADMIN),
    Page(
        "portal registrations of one event",
        "events:manage-registrations",
        query=tour_event_filter(BUSY),
        user=ORG_ADMIN,
    ),
    # Statistics
    Page("statistics", "stats", screenshot=True),
    Page("statistics filtered", "stats", query=demo_figures_year),
    # Staff pages
    Page("monthly activity", "events:compliance", user=STAFF),
    Page("community portal", "communities:portal", user=COMMITTEE),
    Page("community portal last month", "communities:portal", query="month=2026-01", user=COMMITTEE),
    Page("staff invite a committee", "communities:staff-invite", user=STAFF),
    Page("staff disputes", "communities:disputes", user=STAFF),
    Page("community people", "communities:people", user=COMMITTEE),
    Page("community people member", "communities:people", user=COMMITTEE_MEMBER),
    Page("community needs", "communities:needs", user=COMMITTEE),
    Page("community need", "communities:need", kwargs=committee_need, user=COMMITTEE),
    Page("community new need", "communities:need-create", user=COMMITTEE),
    Page("community new need with errors", "communities:need-create", user=COMMITTEE, data={"title": ""}),
    Page("community ratings", "communities:ratings", user=COMMITTEE),
    Page("community rate", "communities:rate", kwargs=committee_rating, user=COMMITTEE),
    Page("staff need proposals", "communities:need-proposals", user=STAFF),
    Page("staff community ratings", "communities:staff-ratings", user=STAFF),
    Page("staff coverage", "communities:coverage", user=STAFF),
    Page("staff coverage filtered", "communities:coverage", query="field=elderly", user=STAFF),
    Page("staff statistics", "stats:staff", user=STAFF),
    Page("staff ratings", "stats:feedback", user=STAFF),
    Page("staff reports", "reports:staff", user=STAFF),
    Page("portal annual report", "reports:annual", kwargs=lambda: {"year": timezone.localdate().year}, user=ORG_ADMIN),
    Page("staff ratings bad period", "stats:feedback", query="since=2026-05-01&until=2026-01-01", user=STAFF),
    Page("staff dashboard", "stats:dashboard", user=STAFF),
    Page("call ranking", "projects:ranking", kwargs=tour_call, user=STAFF),
    Page("call close early", "projects:call-close-early", kwargs=tour_call, user=STAFF),
    Page("portal contracts", "contracts:manage-list", user=ORG_ADMIN),
    Page("portal contract self-assessment", "contracts:manage-detail", kwargs=contract("共享冰箱进楼组"),
         user=ORG_ADMIN),
    Page("evaluator contracts", "contracts:evaluator-list", user=EVALUATOR),
    Page("evaluator evaluation", "contracts:evaluate", kwargs=midterm("“鸟巢”就业创业服务"), user=EVALUATOR),
    Page("staff contracts", "contracts:staff-list", user=STAFF),
    Page("staff contracts overdue", "contracts:staff-list", query="overdue=1", user=STAFF),
    Page("staff new contract", "contracts:staff-create", user=STAFF),
    Page("staff new contract with errors", "contracts:staff-create", user=STAFF, data={"number": ""}),
    Page("staff contract paused", "contracts:staff-detail", kwargs=contract("为老理发上门服务"), user=STAFF),
    Page("staff contract evaluators", "contracts:staff-evaluators", kwargs=contract("共享冰箱进楼组"), user=STAFF),
    Page("staff contract payment", "contracts:staff-payment", kwargs=contract("“鸟巢”就业创业服务"), user=STAFF),
    Page("staff contract resume", "contracts:staff-resume", kwargs=contract("为老理发上门服务"), user=STAFF),
    Page("project with a contract", "projects:detail", kwargs=contract_project("“鸟巢”就业创业服务")),
    # Evaluation (evaluation/demo.py: the finished and the open cycle, the assessors)
    Page("portal evaluation", "evaluation:manage-list", user=ORG_ADMIN),
    Page("portal evaluation open dossier", "evaluation:manage-detail", kwargs=demo_dossier(OPEN_EVALUATION),
         user=ORG_ADMIN),
    Page("portal evaluation published dossier", "evaluation:manage-detail",
         kwargs=demo_dossier(FINISHED_EVALUATION), user=ORG_ADMIN),
    Page("assessor dossiers", "evaluation:assess-list", user=ASSESSOR),
    Page("assessor dossier", "evaluation:assess-dossier", kwargs=demo_dossier(OPEN_EVALUATION, "和谐长寿社区服务中心"),
         user=ASSESSOR),
    Page("staff evaluation cycles", "evaluation:cycles", user=STAFF),
    Page("staff open an evaluation cycle", "evaluation:cycle-open", user=STAFF),
    Page("staff evaluation cycle", "evaluation:cycle", kwargs=demo_cycle(FINISHED_EVALUATION), user=STAFF),
    Page("staff party building", "evaluation:party-building", user=STAFF),
    Page("portal profile with errors", "members:manage-profile", user=ORG_ADMIN, data={"name": "", "website": "x"}),
    Page("portal invite with errors", "members:manage-invite", user=ORG_ADMIN, data={"email": "not-an-email"}),
    # The incubation base (incubation/demo.py: team@changshou.demo's team is incubating, mentored by
    # elderly@changshou.demo)
    Page("incubator", "incubation:index"),
    Page("incubator file a team", "incubation:file"),
    Page("incubator file a team with errors", "incubation:file", data={"filing-member_names": "一\n二"}),
    Page("incubator portal", "incubation:manage", user=INCUBATED_TEAM),
    Page("incubator certificate", "incubation:manage-certificate", user=INCUBATED_TEAM),
    Page("incubator mentoring", "incubation:mentoring", user=MENTOR),
    Page("incubator committee filings", "incubation:community-filings", user=COMMITTEE),
    Page("incubator staff", "incubation:staff", user=STAFF),
    Page("incubator staff filing", "incubation:staff-filing", kwargs=lambda: {"pk": _filing_to_decide()}, user=STAFF),
    Page("incubator staff admit", "incubation:staff-admit", user=STAFF),
    Page(
        "incubator staff incubation", "incubation:staff-incubation", kwargs=lambda: {"pk": _assessed()}, user=STAFF
    ),
]


def _filing_to_decide():
    from incubation.models import TeamFiling

    return TeamFiling.objects.awaiting_decision().order_by("pk").first().pk


def _assessed():
    from incubation.models import Incubation

    return Incubation.objects.filter(stage=Incubation.Stage.ASSESSMENT).order_by("pk").first().pk


def admin_object(model, lookup):
    """kwargs of an object's admin page: `model` as "app.Model", found by `lookup` (a function of the model)."""

    def kwargs():
        from django.apps import apps

        return {"object_id": lookup(apps.get_model(model)).pk}

    return kwargs


def demo_organization(model):
    return model.objects.get(name=DEMO_ORGANIZATION)


def busy_event(model):
    return model.objects.get(title=BUSY)


def first_public_project(model):
    return model.objects.public().order_by("pk").first()


def default_report_template(model):
    return model.objects.default()  # 街道季报, from reports migration 0002


# The admin pages street-office staff use (index, lists, forms, import and export, history), checked by axe and
# the Nu Html Checker in both languages (tests/e2e/test_tour.py, test_html.py). The admin is for staff at their
# desks; on a phone its index at least fits the screen. html_check=False: pages whose invalid markup comes from
# Django's own widgets (an empty <option> of an autocomplete field, a required <select> whose first option has a
# value) or from django-import-export's export form (its own attributes resource-id/resource-index, which its
# script reads); axe still checks them.
ADMIN_PAGES = [
    Page("admin index", "admin:index", user=STAFF),
    Page("admin organizations", "admin:members_organization_changelist", user=STAFF),
    Page(
        "admin organizations filtered",
        "admin:members_organization_changelist",
        query="org_type__exact=social_group&q=长寿",
        user=STAFF,
    ),
    Page("admin organization", "admin:members_organization_change",
         kwargs=admin_object("members.Organization", demo_organization), user=STAFF),
    Page("admin organization history", "admin:members_organization_history",
         kwargs=admin_object("members.Organization", demo_organization), user=STAFF),
    Page("admin organization import", "admin:members_organization_import", user=STAFF),
    Page("admin organization export", "admin:members_organization_export", user=STAFF, html_check=False),
    Page("admin memberships", "admin:members_membership_changelist", user=STAFF),
    Page("admin events", "admin:events_event_changelist", user=STAFF),
    Page("admin event", "admin:events_event_change", kwargs=admin_object("events.Event", busy_event), user=STAFF,
         html_check=False),
    Page("admin new event", "admin:events_event_add", user=STAFF, html_check=False),
    Page("admin sign-ups", "admin:events_registration_changelist", user=STAFF),
    Page("admin projects", "admin:projects_project_changelist", user=STAFF),
    Page("admin project", "admin:projects_project_change",
         kwargs=admin_object("projects.Project", first_public_project), user=STAFF, html_check=False),
    Page("admin calls", "admin:projects_call_changelist", user=STAFF),
    Page("admin needs", "admin:projects_communityneed_changelist", user=STAFF),
    Page("admin outbox", "admin:core_outboxmessage_changelist", user=STAFF),
    Page("admin report template", "admin:reports_reporttemplate_change",
         kwargs=admin_object("reports.ReportTemplate", default_report_template), user=STAFF),
    Page("admin report downloads", "admin:reports_reportdownload_changelist", user=STAFF),
    Page("admin contracts", "admin:contracts_contract_changelist", user=STAFF),
    Page("admin contract", "admin:contracts_contract_change", kwargs=admin_object(
        "contracts.Contract", lambda model: model.objects.get(project__title="为老理发上门服务")
    ), user=STAFF),
    Page("admin evaluation schemes", "admin:evaluation_scheme_changelist", user=STAFF),
    Page("admin evaluation scheme in use", "admin:evaluation_scheme_change",
         kwargs=admin_object("evaluation.Scheme", lambda model: model.objects.in_use().order_by("pk").first()),
         user=STAFF, html_check=False),
    Page("admin evaluation dossier", "admin:evaluation_dossier_change",
         kwargs=admin_object("evaluation.Dossier", lambda model: model.objects.filter(
             cycle__name=OPEN_EVALUATION, organization__name=DEMO_ORGANIZATION).get()),
         user=STAFF, html_check=False),
    Page("admin party-building ledger", "admin:evaluation_partyorganizationrecord_changelist", user=STAFF),
    Page("admin 4f service log", "admin:members_supportsession_changelist", user=STAFF),
]
