"""Every URL pattern of the project, requested as every kind of user, with the expected outcome.

A URL pattern that is not in the matrix fails the test, so a new view cannot ship without
deciding who may see it. Outcomes: a status code, "login" (redirect to the login page),
"admin-login" (redirect to the admin login), "join" (redirect to register an organization), "staff-dashboard"
(street-office staff without an organization, sent from the portal to their dashboard).

Staff ("staff") are in the group 街道工作人员 of stats migration 0002; "staff_no_perms" are staff (`is_staff`) whose
account holds no permission: every staff page and export refuses them (403), as the admin's lists do.
"""

import copy

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory, UserFactory
from tests.shared_data import shared_rows

pytestmark = pytest.mark.django_db

# "resident": not logged in, but holding the private link (token) of their own event sign-up.
# "community_a_*": accounts of a neighbourhood committee (communities app) of community A; "community_b_admin" of
# community B. Without an organization they are, everywhere outside the community portal, like the reviewer.
ROLES = [
    "anonymous", "resident", "org_a_admin", "org_a_editor", "org_b_admin", "reviewer", "staff", "staff_no_perms",
    "superuser", "community_a_admin", "community_a_member", "community_b_admin",
]
LOGGED_OUT = {"anonymous", "resident"}


def outcomes(
    anonymous, org_a_admin, org_a_editor=None, org_b_admin=None, reviewer=None, staff=None, staff_no_perms=None,
    superuser=None, community_a_admin=None, community_a_member=None, community_b_admin=None,
):
    """Expected outcome per role; unspecified roles fall back on sensible neighbours."""
    org_a_editor = org_a_editor if org_a_editor is not None else org_a_admin
    org_b_admin = org_b_admin if org_b_admin is not None else org_a_admin
    reviewer = reviewer if reviewer is not None else anonymous
    staff = staff if staff is not None else reviewer
    staff_no_perms = staff_no_perms if staff_no_perms is not None else staff
    superuser = superuser if superuser is not None else staff
    community_a_admin = community_a_admin if community_a_admin is not None else reviewer
    community_a_member = community_a_member if community_a_member is not None else community_a_admin
    community_b_admin = community_b_admin if community_b_admin is not None else community_a_admin
    values = [
        anonymous, anonymous, org_a_admin, org_a_editor, org_b_admin, reviewer, staff, staff_no_perms, superuser,
        community_a_admin, community_a_member, community_b_admin,
    ]
    return dict(zip(ROLES, values, strict=True))


PUBLIC = outcomes(200, 200)
PORTAL = outcomes("login", 200, reviewer="join", staff="staff-dashboard")
ORG_A_OBJECT = outcomes("login", 200, org_b_admin=404, reviewer="join", staff="staff-dashboard")
ORG_A_ADMIN_ONLY = outcomes(
    "login", 200, org_a_editor=403, org_b_admin=404, reviewer="join", staff="staff-dashboard"
)

# url name -> (kwargs builder, expected outcomes for GET)
MATRIX = {
    "home": (None, PUBLIC),
    "search": (None, PUBLIC),
    "healthz": (None, PUBLIC),
    "bench-baseline": (None, PUBLIC),
    "after-login": (None, outcomes("login", 302, reviewer=302, staff=302)),
    "switch-language": (lambda w: {"language": "en"}, outcomes(302, 302)),  # sets the cookie, back to the page
    "switch-display": (lambda w: {"mode": "elder"}, outcomes(302, 302)),  # the 长辈版 cookie, back to the page
    "login": (None, PUBLIC),
    "logout": (None, outcomes(405, 405)),  # POST only
    "password_change": (None, outcomes("login", 200, reviewer=200)),
    "password_change_done": (None, outcomes("login", 200, reviewer=200)),
    "password_reset": (None, PUBLIC),
    "password_reset_done": (None, PUBLIC),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "bad-token"}, PUBLIC),
    "password_reset_complete": (None, PUBLIC),
    "members:organization-list": (None, PUBLIC),
    "members:organization-detail": (lambda w: {"slug": w["org_a"].slug}, PUBLIC),
    "members:about": (None, PUBLIC),
    "members:join": (None, outcomes(200, 302, reviewer=200, staff=200)),
    "members:accept-invitation": (lambda w: {"token": w["invitation"].token}, PUBLIC),
    "members:portal": (None, PORTAL),
    "members:inbox": (None, outcomes("login", 200, reviewer=200)),
    "members:manage-profile": (None, PORTAL),
    "members:manage-people": (None, PORTAL),
    "members:manage-invite": (None, ORG_A_ADMIN_ONLY | {"org_b_admin": 200}),
    "members:manage-remove": (lambda w: {"pk": w["org_a_editor_account"].pk}, ORG_A_ADMIN_ONLY),
    "members:manage-revoke": (
        lambda w: {"pk": w["invitation"].pk},
        ORG_A_ADMIN_ONLY | {"org_a_admin": 405, "org_b_admin": 405},
    ),
    "members:manage-membership": (None, PORTAL),
    "organization-page": (lambda w: {"slug": w["org_a"].slug}, PUBLIC),
    "about-page": (None, PUBLIC),
}

# Events: public pages, the organizer's tools (staff without an organization manage federation events, with the
# events app's permissions), staff pages.
EVENT_PORTAL = outcomes("login", 200, reviewer="join", staff=200, staff_no_perms=403)
EVENT_OF_ORG_A = outcomes("login", 200, org_b_admin=404, reviewer="join", staff=404, staff_no_perms=403)
POST_ONLY_PORTAL = outcomes("login", 405, reviewer="join", staff=405, staff_no_perms=403)
STAFF_PAGE = outcomes("login", 403, reviewer=403, staff=200, staff_no_perms=403)


def _event(world):
    """A published event of org A with one sign-up."""
    if "event" not in world:
        from tests.events.factories import EventFactory, RegistrationFactory

        world["event"] = EventFactory(organization=world["org_a"])
        world["registration"] = RegistrationFactory(event=world["event"])
    return world["event"]


MATRIX |= {
    "events:list": (None, PUBLIC),
    "events:feed": (None, PUBLIC),
    "events:organization-feed": (lambda w: {"slug": w["org_a"].slug}, PUBLIC),
    "events:month": (None, PUBLIC),
    "events:detail": (lambda w: {"pk": _event(w).pk}, PUBLIC),
    "events:sign-up": (lambda w: {"pk": _event(w).pk}, PUBLIC),  # the form; no account needed
    "events:registration": (lambda w: {"token": _event(w).registrations.get().token}, PUBLIC),
    "events:short-link": (lambda w: {"code": _event(w).registrations.get().short_code}, outcomes(302, 302)),
    "events:registration-cancel": (lambda w: {"token": _event(w).registrations.get().token}, PUBLIC),  # confirm
    "events:registration-text-messages": (
        lambda w: {"token": _event(w).registrations.get().token}, outcomes(405, 405)
    ),
    # Find my sign-ups: the page asks for a mobile and a code whoever asks (an account opens nothing more).
    "events:my-sign-ups": (None, PUBLIC),
    "events:my-sign-ups-code": (None, outcomes(405, 405)),
    "events:my-sign-ups-verify": (None, outcomes(405, 405)),
    "events:my-sign-ups-forget": (None, outcomes(405, 405)),
    "events:manage-list": (None, EVENT_PORTAL),
    "events:manage-create": (None, EVENT_PORTAL),
    "events:manage-registrations": (None, EVENT_PORTAL),
    "events:manage-detail": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    "events:manage-edit": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    "events:manage-cancel": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    "events:manage-report": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    "events:manage-export": (lambda w: {"pk": _event(w).pk, "file_format": "xlsx"}, EVENT_OF_ORG_A),
    "events:manage-publish": (lambda w: {"pk": _event(w).pk}, POST_ONLY_PORTAL),
    "events:manage-registration-action": (
        lambda w: {"pk": _event(w).pk, "registration_pk": w["registration"].pk, "action": "check-in"},
        POST_ONLY_PORTAL,
    ),
    "events:compliance": (None, STAFF_PAGE),
    "events:compliance-export": (lambda w: {"file_format": "csv"}, STAFF_PAGE),
    # Attendance: the poster and the self check-in page (with the venue token) are public; the door is org A's.
    "events:poster": (lambda w: {"pk": _event(w).pk}, PUBLIC),
    "events:self-check-in": (lambda w: {"pk": _event(w).pk, "token": _event(w).venue_token}, PUBLIC),
    "events:manage-check-in": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    "events:manage-venue-code": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    "events:manage-sign-in-sheet": (lambda w: {"pk": _event(w).pk}, EVENT_OF_ORG_A),
    # Residents' feedback: the rating page opens with the sign-up's private link (it says when rating is not
    # possible); the organizer's overview of ratings (staff: the federation's events, with view_feedback).
    "events:registration-feedback": (lambda w: {"token": _event(w).registrations.get().token}, PUBLIC),
    "events:manage-feedback": (None, EVENT_PORTAL),
}

# Projects: public pages, org A's project in the portal, the reviewer's call, staff pages.
REVIEWER_ONLY = outcomes("login", 404, reviewer=200, staff=404, community_a_admin=404)
POST_ONLY = outcomes("login", 405, reviewer="join", staff="staff-dashboard")


def projects_world(w):
    """Projects objects for the matrix: org A's draft, proposal and public project."""
    if "projects" not in w:
        from projects.models import Call, Project
        from tests.projects.factories import CallFactory, CommunityNeedFactory, ProjectFactory

        open_call = CallFactory()
        reviewing_call = CallFactory(state=Call.State.REVIEWING, reviewers=[w["users"]["reviewer"]])
        w["projects"] = {
            "open_call": open_call,
            "reviewing_call": reviewing_call,
            "draft": ProjectFactory(organization=w["org_a"], call=open_call),
            "proposal": ProjectFactory(organization=w["org_a"], call=reviewing_call, state=Project.State.UNDER_REVIEW),
            "public": ProjectFactory(organization=w["org_a"], state=Project.State.IN_PROGRESS),
            "need": CommunityNeedFactory(),
        }
    return w["projects"]


MATRIX |= {
    "projects:list": (None, PUBLIC),
    "projects:detail": (lambda w: {"slug": projects_world(w)["public"].slug}, PUBLIC),
    "projects:calls": (None, PUBLIC),
    "projects:call-detail": (lambda w: {"pk": projects_world(w)["open_call"].pk}, PUBLIC),
    "projects:needs": (None, PUBLIC),
    "projects:need-detail": (lambda w: {"pk": projects_world(w)["need"].pk}, PUBLIC),
    "projects:manage-list": (None, PORTAL),
    "projects:manage-create": (None, PORTAL),
    "projects:manage-detail": (lambda w: {"pk": projects_world(w)["draft"].pk}, ORG_A_OBJECT),
    "projects:manage-edit": (lambda w: {"pk": projects_world(w)["draft"].pk}, ORG_A_OBJECT),
    "projects:manage-update": (lambda w: {"pk": projects_world(w)["public"].pk}, ORG_A_OBJECT),
    "projects:manage-submit": (lambda w: {"pk": projects_world(w)["draft"].pk}, POST_ONLY),
    "projects:manage-transition": (lambda w: {"pk": projects_world(w)["draft"].pk}, POST_ONLY),
    "projects:manage-needs": (None, PORTAL),
    "projects:manage-respond": (lambda w: {"pk": projects_world(w)["need"].pk}, PORTAL),
    "projects:review-list": (None, outcomes("login", 200, reviewer=200)),
    "projects:review-call": (lambda w: {"pk": projects_world(w)["reviewing_call"].pk}, REVIEWER_ONLY),
    "projects:review-proposal": (lambda w: {"pk": projects_world(w)["proposal"].pk}, REVIEWER_ONLY),
    "projects:ranking": (lambda w: {"pk": projects_world(w)["reviewing_call"].pk}, STAFF_PAGE),
    "projects:decide": (lambda w: {"pk": projects_world(w)["proposal"].pk}, STAFF_PAGE),
    "projects:call-state": (
        lambda w: {"pk": projects_world(w)["open_call"].pk}, STAFF_PAGE | {"staff": 405, "superuser": 405}
    ),
    "projects:call-close-early": (lambda w: {"pk": projects_world(w)["open_call"].pk}, STAFF_PAGE),
}

# Statistics: public figures, staff statistics and the staff dashboard.
MATRIX |= {
    "stats": (None, PUBLIC),
    "stats:staff": (None, STAFF_PAGE),
    "stats:dashboard": (None, STAFF_PAGE),
    "stats:feedback": (None, STAFF_PAGE),  # residents' ratings per organization (events.view_feedback)
}

# Reporting upward: the staff's pack (reports.download_report; the download is POST only) and each organization's
# own annual report draft (its administrators).
ANNUAL_REPORT = outcomes("login", 200, org_a_editor=403, reviewer="join", staff="staff-dashboard")
MATRIX |= {
    "reports:staff": (None, STAFF_PAGE),
    "reports:download": (None, STAFF_PAGE | {"staff": 405, "superuser": 405}),
    "reports:annual-index": (None, ANNUAL_REPORT | {"org_a_admin": 302, "org_b_admin": 302}),
    "reports:annual": (lambda w: {"year": timezone.localdate().year}, ANNUAL_REPORT),
    "reports:annual-xlsx": (lambda w: {"year": timezone.localdate().year}, ANNUAL_REPORT),
}

# Neighbourhood committees: their portal (own community's activities; another community's are a 404), the
# invitation link, staff pages.
COMMUNITY_PORTAL = outcomes("login", 403, reviewer=403, staff=403, community_a_admin=200)
COMMUNITY_POST_ONLY = COMMUNITY_PORTAL | dict.fromkeys(
    ["community_a_admin", "community_a_member", "community_b_admin"], 405
)
COMMUNITY_A_ACTIVITY = outcomes("login", 403, reviewer=403, staff=403, community_a_admin=200, community_b_admin=404)
COMMUNITY_A_OBJECT = COMMUNITY_A_ACTIVITY
COMMUNITY_ADMIN_ONLY = COMMUNITY_PORTAL | {"community_a_member": 403}
STAFF_POST_ONLY = STAFF_PAGE | {"staff": 405, "superuser": 405}


def communities_world(w):
    """An activity of org A held last week in community A, an open dispute in community B, an invitation."""
    if "communities" not in w:
        from datetime import timedelta

        from django.utils import timezone

        from communities import services
        from tests.events.factories import completed_activity

        users = w["users"]
        community_a = users["community_a_admin"].community_account.community
        community_b = users["community_b_admin"].community_account.community
        held = timezone.now() - timedelta(days=3)
        activity = completed_activity(w["org_a"], held, community=community_a)
        disputed = completed_activity(w["org_b"], held, community=community_b)
        from communities.models import quarter_label, quarter_of
        from projects.services import propose_need_response
        from tests.projects.factories import CommunityNeedFactory, NeedResponseFactory

        need = CommunityNeedFactory(community=community_a, poster="committee")
        response = NeedResponseFactory(need=need, organization=w["org_a"])
        w["communities"] = {
            "community_a": community_a,
            "need": need,
            "response": response,
            "proposal": propose_need_response(
                NeedResponseFactory(need=CommunityNeedFactory(community=community_b), organization=w["org_b"]),
                acting_user=users["community_b_admin"],
            ),
            "quarter": quarter_label(quarter_of(held)),
            "activity": activity,
            "dispute": services.dispute_activity(
                disputed, account=users["community_b_admin"].community_account, reason="Nobody came at all."
            ),
            "invitation": services.invite_to_community(
                community_a, email="jwh-new@example.org", role="member", acting_user=users["superuser"]
            ),
        }
    return w["communities"]


MATRIX |= {
    "communities:portal": (None, COMMUNITY_PORTAL),
    "communities:confirm": (
        lambda w: {"pk": communities_world(w)["activity"].pk}, COMMUNITY_POST_ONLY
    ),
    "communities:dispute-activity": (lambda w: {"pk": communities_world(w)["activity"].pk}, COMMUNITY_A_ACTIVITY),
    "communities:accept-invitation": (lambda w: {"token": communities_world(w)["invitation"].token}, PUBLIC),
    "communities:staff-invite": (None, STAFF_PAGE),
    "communities:disputes": (None, STAFF_PAGE),
    "communities:dispute": (lambda w: {"pk": communities_world(w)["dispute"].pk}, STAFF_PAGE),
    # Public pages of the neighbourhoods
    "communities:list": (None, PUBLIC),
    "communities:detail": (lambda w: {"code": communities_world(w)["community_a"].code}, PUBLIC),
    # The committee's colleagues (its administrators invite), needs, proposals and quarterly ratings
    "communities:people": (None, COMMUNITY_PORTAL),
    "communities:invite": (None, COMMUNITY_ADMIN_ONLY),
    "communities:needs": (None, COMMUNITY_PORTAL),
    "communities:need-create": (None, COMMUNITY_PORTAL),
    "communities:need": (lambda w: {"pk": communities_world(w)["need"].pk}, COMMUNITY_A_OBJECT),
    "communities:propose": (
        lambda w: {"pk": communities_world(w)["need"].pk, "response_pk": communities_world(w)["response"].pk},
        COMMUNITY_POST_ONLY,
    ),
    "communities:ratings": (None, COMMUNITY_PORTAL),
    # Org A held an activity in community A: community B's committee may not rate it there.
    "communities:rate": (
        lambda w: {"quarter": communities_world(w)["quarter"], "organization_pk": w["org_a"].pk}, COMMUNITY_A_OBJECT
    ),
    "communities:need-proposals": (None, STAFF_PAGE),
    "communities:confirm-proposal": (lambda w: {"pk": communities_world(w)["proposal"].pk}, STAFF_POST_ONLY),
    "communities:staff-ratings": (None, STAFF_PAGE),
    "communities:coverage": (None, STAFF_PAGE),
    "communities:coverage-export": (lambda w: {"file_format": "xlsx"}, STAFF_PAGE),
}

# Contracts: org A's contract in its portal, the assigned evaluator (the reviewer user), staff pages and exports.


def contracts_world(w):
    """A contract of org A's running project, evaluated by the reviewer user."""
    if "contracts" not in w:
        from tests.contracts.factories import ContractFactory

        contract = ContractFactory(project=projects_world(w)["public"])
        contract.evaluators.add(w["users"]["reviewer"])
        w["contracts"] = {"contract": contract, "midterm": contract.evaluations.get(kind="midterm")}
    return w["contracts"]


MATRIX |= {
    "contracts:manage-list": (None, PORTAL),
    "contracts:manage-detail": (lambda w: {"pk": contracts_world(w)["contract"].pk}, ORG_A_OBJECT),
    "contracts:evaluator-list": (None, outcomes("login", 200, reviewer=200)),
    "contracts:evaluate": (lambda w: {"pk": contracts_world(w)["midterm"].pk}, REVIEWER_ONLY),
    "contracts:staff-list": (None, STAFF_PAGE),
    "contracts:staff-create": (None, STAFF_PAGE),
    "contracts:staff-detail": (lambda w: {"pk": contracts_world(w)["contract"].pk}, STAFF_PAGE),
    "contracts:staff-evaluators": (lambda w: {"pk": contracts_world(w)["contract"].pk}, STAFF_PAGE),
    "contracts:staff-payment": (lambda w: {"pk": contracts_world(w)["contract"].pk}, STAFF_PAGE),
    "contracts:staff-resume": (lambda w: {"pk": contracts_world(w)["contract"].pk}, STAFF_PAGE),
    "contracts:staff-export": (lambda w: {"what": "payments", "file_format": "xlsx"}, STAFF_PAGE),
}

# The incubation base: public pages, the team's portal page, the mentor's page, committees' opinions on filings
# (a filing of another community is a 404), staff pages.
MENTOR_PAGE = outcomes("login", 200, reviewer=200, staff=200)
MENTOR_POST = outcomes("login", 405, reviewer=405, staff=405)
COMMUNITY_A_FILING = COMMUNITY_A_ACTIVITY


def incubation_world(w):
    """A filing of a team of org A's community A waiting for the committee, a team of org A's (org A itself,
    filed) in incubation with a milestone, a cohort."""
    if "incubation" not in w:
        from tests.incubation.factories import FilingFactory, admitted, approved_filing

        users = w["users"]
        community_a = users["community_a_admin"].community_account.community
        pending = FilingFactory(communities=[community_a])
        filing_a = approved_filing(users["superuser"], organization=w["org_a"])
        incubation = admitted(w["org_a"], users["superuser"], mentor=users["org_b_admin"])
        w["incubation"] = {
            "pending": pending, "filing_a": filing_a, "incubation": incubation,
            "milestone": incubation.milestones.first(),
        }
    return w["incubation"]


MATRIX |= {
    "incubation:index": (None, PUBLIC),
    "incubation:file": (None, outcomes(200, 302, reviewer=200, staff=200)),
    "incubation:mentoring": (None, MENTOR_PAGE),
    "incubation:mentoring-confirm": (lambda w: {"pk": incubation_world(w)["milestone"].pk}, MENTOR_POST),
    "incubation:manage": (None, PORTAL),
    "incubation:manage-certificate": (
        None, outcomes("login", 200, org_b_admin=404, reviewer="join", staff="staff-dashboard")
    ),
    "incubation:manage-confirm": (None, POST_ONLY),
    "incubation:manage-tick": (lambda w: {"pk": incubation_world(w)["milestone"].pk}, POST_ONLY),
    "incubation:manage-apply": (None, POST_ONLY),
    "incubation:manage-apply-base": (None, POST_ONLY),
    "incubation:community-filings": (None, COMMUNITY_PORTAL),
    "incubation:community-filing": (lambda w: {"pk": incubation_world(w)["pending"].pk}, COMMUNITY_A_FILING),
    "incubation:staff": (None, STAFF_PAGE),
    "incubation:staff-filing": (lambda w: {"pk": incubation_world(w)["pending"].pk}, STAFF_PAGE),
    "incubation:staff-certificate": (lambda w: {"pk": incubation_world(w)["filing_a"].pk}, STAFF_PAGE),
    "incubation:staff-admit": (None, STAFF_PAGE),
    "incubation:staff-incubation": (lambda w: {"pk": incubation_world(w)["incubation"].pk}, STAFF_PAGE),
    "incubation:staff-session": (
        lambda w: {"pk": incubation_world(w)["incubation"].pk}, STAFF_PAGE | {"staff": 405, "superuser": 405}
    ),
    "incubation:staff-graduate": (
        lambda w: {"pk": incubation_world(w)["incubation"].pk}, STAFF_PAGE | {"staff": 405, "superuser": 405}
    ),
}

# Evaluation: org A's dossier in the portal, the assessor's (the reviewer is assigned to it), staff pages.


def evaluation_world(w):
    if "evaluation" not in w:
        from django.core.files.base import ContentFile

        from evaluation import services
        from tests.evaluation.factories import open_small_cycle

        cycle = open_small_cycle([w["org_a"], w["org_b"]], acting_user=w["users"]["superuser"])
        dossier = cycle.dossiers.get(organization=w["org_a"])
        services.assign_assessor(dossier, w["users"]["reviewer"], acting_user=w["users"]["superuser"])
        entry = dossier.entries.first()
        entry.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"))
        w["evaluation"] = {"cycle": cycle, "dossier": dossier, "entry": entry}
    return w["evaluation"]


def evidence_in_this_tests_media(entry):
    """The shared world's evidence file, written again into the MEDIA_ROOT of the test (one per test)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if not default_storage.exists(entry.evidence_file.name):
        default_storage.save(entry.evidence_file.name, ContentFile(b"%PDF-1.4 evidence"))
    return entry


MATRIX |= {
    "evaluation:manage-list": (None, PORTAL),
    "evaluation:manage-detail": (lambda w: {"pk": evaluation_world(w)["dossier"].pk}, ORG_A_OBJECT),
    "evaluation:assess-list": (None, outcomes("login", 200, reviewer=200)),
    "evaluation:assess-dossier": (lambda w: {"pk": evaluation_world(w)["dossier"].pk}, REVIEWER_ONLY),
    # The organization's people, its assessor (the reviewer), staff who may view dossiers; anyone else: 404.
    "evaluation:evidence-file": (
        lambda w: {"pk": evidence_in_this_tests_media(evaluation_world(w)["entry"]).pk},
        outcomes("login", 200, org_b_admin=404, reviewer=200, staff=200, staff_no_perms=404, community_a_admin=404),
    ),
    "evaluation:cycles": (None, STAFF_PAGE),
    "evaluation:cycle-open": (None, STAFF_PAGE),
    "evaluation:cycle": (lambda w: {"pk": evaluation_world(w)["cycle"].pk}, STAFF_PAGE),
    "evaluation:cycle-publish": (
        lambda w: {"pk": evaluation_world(w)["cycle"].pk}, STAFF_PAGE | {"staff": 405, "superuser": 405}
    ),
    "evaluation:party-building": (None, STAFF_PAGE),
    "evaluation:party-building-export": (lambda w: {"file_format": "xlsx"}, STAFF_PAGE),
}

# Patterns covered as a family: every admin page needs a staff login (and its model's permission: 403 without).
FAMILIES = {
    "admin": outcomes("admin-login", "admin-login", staff=200, staff_no_perms=403),
}


def all_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"


def test_every_url_pattern_is_in_the_matrix():
    missing = [
        name
        for name in all_patterns()
        if name not in MATRIX and name.split(":")[0] not in FAMILIES and not name.startswith("<unnamed static")
    ]
    assert missing == []


def build_world():
    org_a = OrganizationFactory(name="Org A")
    MembershipFactory(organization=org_a)
    org_b = OrganizationFactory(name="Org B")
    MembershipFactory(organization=org_b)
    users = {
        "org_a_admin": OrganizationAccountFactory(organization=org_a, role="admin").user,
        "org_a_editor": OrganizationAccountFactory(organization=org_a, role="editor").user,
        "org_b_admin": OrganizationAccountFactory(organization=org_b, role="admin").user,
        "reviewer": UserFactory(username="reviewer"),
        "staff": UserFactory(username="staff-member", is_staff=True),
        "staff_no_perms": UserFactory(username="staff-no-perms", is_staff=True),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    from tests.communities.factories import CommunityAccountFactory
    from tests.members.factories import CommunityFactory

    community_a = CommunityFactory()
    users["community_a_admin"] = CommunityAccountFactory(community=community_a, role="admin").user
    users["community_a_member"] = CommunityAccountFactory(community=community_a, role="member").user
    users["community_b_admin"] = CommunityAccountFactory(role="admin").user
    from django.contrib.auth.models import Group

    from core.permissions import STAFF_GROUP

    Group.objects.get(name=STAFF_GROUP).user_set.add(users["staff"])
    from members import services

    invitation = services.invite_colleague(
        org_a, email="new@example.org", role="editor", acting_user=users["org_a_admin"]
    )
    world = {
        "org_a": org_a,
        "org_b": org_b,
        "users": users,
        "invitation": invitation,
        "org_a_editor_account": users["org_a_editor"].org_account,
    }
    _event(world)
    projects_world(world)
    communities_world(world)
    contracts_world(world)
    incubation_world(world)
    evaluation_world(world)
    return world


class Copies(dict):
    """The shared world as a test sees it: each entry deep-copied on the test's first read of it."""

    def __init__(self, shared):
        super().__init__()
        self.shared = shared

    def __contains__(self, key):
        return super().__contains__(key) or key in self.shared

    def __getitem__(self, key):
        if not super().__contains__(key):
            self[key] = copy.deepcopy(self.shared[key])
        return super().__getitem__(key)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The matrix's users and objects, made once for its ~600 cells (tests/shared_data.py), with a logged-in
    session for each user: a cell presents the session's cookie instead of logging in again."""
    with shared_rows(django_db_blocker):
        world = build_world()
        world["sessions"] = {}
        for role, user in world["users"].items():
            client = Client()
            client.force_login(user)
            world["sessions"][role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world


@pytest.fixture
def world(shared_world, db):
    """Each test gets its own copies of the objects; what its requests write is rolled back after it."""
    return Copies(shared_world)


def log_in(client, world, role):
    client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]


def check(client, world, role, url, expected):
    if role not in LOGGED_OUT:
        log_in(client, world, role)
    response = client.get(url)
    if expected == "login":
        assert response.status_code == 302 and response.url.startswith(reverse("login")), (role, url)
    elif expected == "admin-login":
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), (role, url)
    elif expected == "join":
        assert response.status_code == 302 and response.url == reverse("members:join"), (role, url)
    elif expected == "staff-dashboard":
        assert response.status_code == 302 and response.url == reverse("stats:dashboard"), (role, url)
    else:
        assert response.status_code == expected, (role, url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix_cell(client, world, name, role):
    kwargs_builder, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    check(client, world, role, url, expected[role])


ADMIN_SAMPLES = [
    "admin:index",
    "admin:members_organization_changelist",
    "admin:members_membership_changelist",
    "admin:members_organization_add",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADMIN_SAMPLES)
def test_admin_family(client, world, name, role):
    expected = FAMILIES["admin"][role]
    if role == "staff_no_perms" and name == "admin:index":
        expected = 200  # the admin's front page, telling them they may change nothing
    check(client, world, role, reverse(name), expected)


def test_tampered_hidden_fields_change_nothing(client, world):
    """An org admin who posts another organization's id, a status or a star rating changes none of them."""
    org_a, org_b = world["org_a"], world["org_b"]
    client.force_login(world["users"]["org_a_admin"])
    client.post(
        reverse("members:manage-profile"),
        {
            "name": org_a.name,
            "org_type": org_a.org_type,
            "credit_code": org_a.credit_code,
            "organization": org_b.pk,
            "id": org_b.pk,
            "pk": org_b.pk,
            "star_rating": 5,
            "status": "suspended",
            "summary": "tampered",
        },
    )
    org_a.refresh_from_db()
    org_b.refresh_from_db()
    assert org_a.summary == "tampered"
    assert org_a.star_rating == 0
    assert org_a.membership.status == "active"
    assert org_b.summary == "Serving the community."
    # An invitation posted with a role the form does not offer is refused.
    response = client.post(reverse("members:manage-invite"), {"email": "x@example.org", "role": "superuser"})
    assert response.status_code == 200
    assert not org_a.invitations.filter(email="x@example.org").exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_sign_up_page_needs_its_own_secret_link(client, world, role):
    """Only the resident's own token opens their sign-up; a guessed or altered token is a 404 for everyone."""
    token = _event(world).registrations.get().token
    if role not in LOGGED_OUT:
        log_in(client, world, role)
    for bad in ("x" * len(token), token[:-1], token + "a"):
        assert client.get(reverse("events:registration", kwargs={"token": bad})).status_code == 404
        assert client.get(reverse("events:registration-cancel", kwargs={"token": bad})).status_code == 404
        assert client.post(reverse("events:registration-cancel", kwargs={"token": bad})).status_code == 404
        feedback = reverse("events:registration-feedback", kwargs={"token": bad})
        assert client.get(feedback).status_code == 404
        assert client.post(feedback, {"rating": 5}).status_code == 404
    if role == "resident":
        assert client.get(reverse("events:registration", kwargs={"token": token})).status_code == 200
