from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.models import Count, Min
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from communities.permissions import community_account_of
from contracts.models import Contract
from core.forms import OutboxPasswordResetForm
from core.models import OutboxMessage
from core.search import best_first, finds
from core.throttle import ThrottleMixin, by_address
from events import sections as event_sections
from members.models import Community, Organization
from members.permissions import account_of
from members.views import AboutView as MembersAboutView
from members.views import OrganizationDetailView as MembersOrganizationDetailView
from projects import site as projects_site
from projects.models import Call
from stats import figures as stats_figures
from stats import pages as stats_pages

from . import display
from .celery import app as celery_app


class HomeView(TemplateView):
    page_cache = ("members", "projects", "events")  # the data families it shows (federation_portal/pagecache.py)
    page_cache_lagging = ("signups",)  # places left on the upcoming events' cards: at most a minute old
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        headline = stats_figures.headline_figures()  # the same figures as /about/ and /stats/ (stats.figures)
        return super().get_context_data(
            member_count=headline["members"],
            organization_count=headline["organizations"],
            community_count=Community.objects.count(),
            headline_cards=stats_pages.headline_cards(headline),
            featured_organizations=Organization.objects.for_directory().filter(star_rating__gte=4)[:6],
            home_sections=[*projects_site.home_sections(), event_sections.home_section()],
            **kwargs,
        )


class AboutView(MembersAboutView):
    """The about page with the number of members of stats.figures (members cannot import it)."""

    page_cache = ("members", "projects", "events")  # the headline figures are computed from all three

    def get_context_data(self, **kwargs):
        return super().get_context_data(member_count=stats_figures.headline_figures()["members"], **kwargs)


def _back_to_next(request):
    """A redirect to `next` (the page the visitor was on) if it is on this site, else to the home page."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    return HttpResponseRedirect(next_url)


@never_cache
def switch_language(request, language):
    """The 中文 / English links in every page's header: a plain link, so that no page carries a per-visitor
    form token for it (pages stay cacheable) and it works without JavaScript. Back to `next` on this site."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    response = _back_to_next(request)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@never_cache
def switch_display(request, mode):
    """The 长辈版 / 标准版 link in every page's header (federation_portal/display.py): a plain link like the
    language's, back to the same page in the other version. The standard version is no cookie at all."""
    if mode not in display.MODES:
        raise Http404
    response = _back_to_next(request)
    if mode == display.ELDER:
        response.set_cookie(
            settings.DISPLAY_MODE_COOKIE_NAME,
            display.ELDER,
            max_age=settings.DISPLAY_MODE_COOKIE_AGE,
            secure=settings.DISPLAY_MODE_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.DISPLAY_MODE_COOKIE_NAME, samesite="Lax")
    return response


class BaselineView(TemplateView):
    """A one-line page through the full middleware stack: the benchmark's yardstick (bench/run.py)."""

    template_name = "federation_portal/baseline.html"


class SearchView(TemplateView):
    page_cache = ("members", "projects", "events")  # the data families it shows (federation_portal/pagecache.py)
    template_name = "search.html"
    limit = 20

    def get_context_data(self, **kwargs):
        # PostgreSQL refuses NUL characters in a query; they never belong in a search.
        query = self.request.GET.get("q", "").replace("\x00", "").strip()[:100]
        organizations = []
        if query:  # names first, then short descriptions (core.search.best_first)
            organizations = best_first(
                Organization.objects.for_directory(), query, ["name"], finds(["name", "summary"], query), self.limit
            )
        result_groups = [*projects_site.search_groups(query), event_sections.search_group(query)] if query else []
        return super().get_context_data(
            query=query, organizations=organizations, result_groups=result_groups, **kwargs
        )


class OrganizationDetailView(MembersOrganizationDetailView):
    """The organization page with the sections other apps add (members cannot import them)."""

    page_cache = ("members", "projects", "events")  # its projects and events

    def get_context_data(self, **kwargs):
        detail_sections = [
            *projects_site.organization_sections(self.object),
            event_sections.organization_section(self.object),
        ]
        return super().get_context_data(detail_sections=detail_sections, **kwargs)


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 "ok" when everything answers; 200 "degraded: …" when the cache or
    the task broker does not (pages still render, figures are computed, messages wait in the outbox); 503
    "unavailable: …" when a database does not (or the cache, when sessions live in it alone). The second line
    tells how many messages wait in the outbox and since when (a stuck worker).

    A probe addressed to the server itself is answered by HealthCheckMiddleware (see middleware.py).
    """
    failing, degraded = [], []
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            failing.append("database")
    try:
        cache.set("healthz", "ok", timeout=10)
        cache.get("healthz")
    except Exception:  # noqa: BLE001 - a configured cache (Redis) that does not answer
        (failing if settings.SESSION_ENGINE.endswith("backends.cache") else degraded).append("cache")
    if settings.CELERY_BROKER_URL:
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception:  # noqa: BLE001 - workers cannot be reached: messages wait
            degraded.append("broker")
    if failing:
        message = "unavailable: " + ", ".join(sorted(set(failing + degraded))) + "\n"
        return HttpResponse(message, status=503, content_type="text/plain")
    state = "degraded: " + ", ".join(sorted(degraded)) if degraded else "ok"
    return HttpResponse(f"{state}\n{outbox_state()}\n", content_type="text/plain")


def outbox_state():
    """'outbox: 3 queued, oldest 42 s' (or 'outbox: 0 queued')."""
    try:
        queued = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
    except DatabaseError:  # a database not migrated yet (a server being set up) is answering all the same
        return "outbox: unknown"
    if not queued["count"]:
        return "outbox: 0 queued"
    age = (timezone.now() - queued["oldest"]).total_seconds()
    return f"outbox: {queued['count']} queued, oldest {age:.0f} s"


@login_required
def after_login(request):
    """Where a user lands after logging in: their organization's portal, their neighbourhood committee's, their
    reviews, the contracts they evaluate, or the admin."""
    user = request.user
    if account_of(user) is not None:
        return redirect("members:portal")
    if community_account_of(user) is not None:
        return redirect("communities:portal")
    if Call.objects.assigned_to(user).exists():
        return redirect("projects:review-list")
    if Contract.objects.assigned_to(user).exists():
        return redirect("contracts:evaluator-list")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("members:join")


class PasswordResetView(ThrottleMixin, auth_views.PasswordResetView):
    """Django's password reset, throttled per address, its mail queued in the outbox (core.forms)."""

    form_class = OutboxPasswordResetForm
    throttles = [("password-reset-address", by_address)]
