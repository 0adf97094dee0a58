from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView
from django_filters.views import FilterView

from core.clientip import client_ip
from core.pagination import ForgivingPaginator, ShownRowsPaginator
from core.permissions import StaffPermissionRequiredMixin
from core.spreadsheets import FORMATS, spreadsheet_response
from core.throttle import ThrottleMixin, by_address, by_address_and, by_posted
from core.validators import mask_mobile, normalize_mobile
from members.models import Organization
from members.services import record_personal_data_access

from . import compliance, services
from .calendar import month_calendar, month_of
from .feedback import event_feedback
from .filters import EventFilter, ManageRegistrationFilter
from .forms import CancelEventForm, EventForm, EventReportForm, RegistrationCodeForm, RegistrationForm
from .ical import build_calendar
from .models import Event, LookupCode, Registration, duty_proof_label
from .permissions import EventManagerMixin

# Public pages


class EventListView(FilterView):
    page_cache = ("members", "events")  # the data families it shows (federation_portal/pagecache.py)
    page_cache_lagging = ("signups",)  # places left on the cards: at most PAGE_CACHE_SECONDS old, as the page says
    filterset_class = EventFilter
    queryset = Event.objects.listed().for_cards()
    paginate_by = 20
    paginator_class = ShownRowsPaginator  # places counted for the 20 rows shown; ?page=99 shows the last page
    template_name = "events/event_list.html"


class EventMonthView(TemplateView):
    """A month of public events, as a calendar grid on wide screens and a day-by-day list on phones."""

    page_cache = ("members", "events")  # the data families it shows (federation_portal/pagecache.py)
    template_name = "events/event_month.html"

    def get_context_data(self, **kwargs):
        try:
            month = month_of(kwargs.pop("year", None), kwargs.pop("month", None))
        except ValueError:
            raise Http404 from None
        return super().get_context_data(calendar=month_calendar(month), **kwargs)


class EventDetailView(DetailView):
    # The exact places left: a sign-up moves the "signups" version (federation_portal/pagecache.py).
    page_cache = ("members", "projects", "events", "signups")
    queryset = (
        Event.objects.public()
        .select_related("organization", "community", "report", "project__organization")
        .with_place_counts()
        .with_ratings()
    )
    template_name = "events/event_detail.html"

    def get_context_data(self, **kwargs):
        photos = self.object.report.photos.all() if hasattr(self.object, "report") else []
        return super().get_context_data(photos=photos, **kwargs)


class EventSignUpView(ThrottleMixin, DetailView):
    """The sign-up form of an event: a place, or the waiting list, then the confirmation page.

    A page of its own, linked from the event page: the form carries the visitor's CSRF token, so the event
    page itself stays the same for everyone and can be served from the page cache.
    """

    queryset = EventDetailView.queryset
    template_name = "events/event_signup.html"
    throttles = [
        ("sign-up-address", by_address),
        ("sign-up-event", by_address_and("pk")),
        ("sign-up-mobile", by_posted("mobile", normalize_mobile)),
    ]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", RegistrationForm())
        return super().get_context_data(
            retention_days=settings.PERSONAL_DATA_RETENTION_DAYS, code_minutes=LookupCode.VALID_MINUTES, **kwargs
        )

    def post(self, request, *args, **kwargs):
        """Signs up; for an event that asks for a text-message code, the first step sends the code and shows the
        second step (RegistrationCodeForm: the first step's answers hidden, and the code), whose "send again"
        button sends a new one."""
        self.object = event = self.get_object()
        form = RegistrationForm(request.POST)
        if form.is_valid() and event.signup_needs_code:
            if "code" not in request.POST or "resend" in request.POST:
                return self.send_code(RegistrationCodeForm(initial=form.cleaned_data), form.cleaned_data["mobile"])
            form = RegistrationCodeForm(request.POST)
        if form.is_valid():
            try:
                return redirect(services.register_for_event(event, **form.cleaned_data))
            except ValidationError as error:
                form.add_error(self.error_field(error), error)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def send_code(self, form, mobile):
        try:
            services.request_sign_up_code(self.object, mobile, client_address=client_ip(self.request) or "")
        except ValidationError as error:
            status = 429 if error.code in ("client_limit", "mobile_limit") else 400
            return self.render_to_response(self.get_context_data(form=form, code_error=error), status=status)
        return self.render_to_response(self.get_context_data(form=form, code_sent_to=mask_mobile(mobile)))

    @staticmethod
    def error_field(error):
        return {"duplicate": "mobile", "expired": "code", "attempts": "code", "wrong": "code"}.get(error.code)


class RegistrationView(DetailView):
    """The resident's confirmation page, reached only through the private link."""

    queryset = Registration.objects.select_related("event", "event__organization")
    slug_field = slug_url_kwarg = "token"
    template_name = "events/registration_detail.html"


def short_link(request, code):
    """/r/<code>/ from a text message: to the resident's private sign-up page."""
    registration = Registration.from_short_code(code)
    if registration is None:
        raise Http404
    return redirect(registration)


class RegistrationCancelView(ThrottleMixin, DetailView):
    """The resident's cancellation, through the private link: the page says what will be cancelled (event, time,
    name), its button posts."""

    throttles = [("cancel-address", by_address)]
    queryset = Registration.objects.select_related("event", "event__organization")
    slug_field = slug_url_kwarg = "token"
    template_name = "events/registration_cancel.html"

    def post(self, request, token):
        registration = get_object_or_404(Registration, token=token)
        try:
            services.cancel_registration(registration, token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your sign-up has been cancelled. Thank you for letting us know."))
        return redirect(registration)


class CalendarFeedView(View):
    """Public events of the last 90 days and the future, as iCalendar: at most `limit` upcoming ones (the
    soonest) and `past_limit` past ones (the latest), so that a city-wide feed stays a size a phone can sync.
    """

    page_cache = ("members", "events")  # the data families it shows (federation_portal/pagecache.py)
    limit = 400
    past_limit = 100

    def get_events(self):
        return Event.objects.public().select_related("organization")

    def feed_events(self):
        now = timezone.now()
        events = self.get_events()
        upcoming = list(events.upcoming(now).order_by("starts_at", "pk")[: self.limit])  # off the start's index
        since = now - timedelta(days=90)
        past = list(events.filter(ends_at__gte=since, ends_at__lt=now).order_by("-starts_at", "-pk")[: self.past_limit])
        return past[::-1] + upcoming

    def get_name(self):
        return _("Changshou Social Organization Federation · events")

    def get(self, request, *args, **kwargs):
        # Calendar apps poll the feed: the page cache keeps it until something changes, and
        # ConditionalGetMiddleware answers 304 while their copy is current.
        response = HttpResponse(
            build_calendar(self.feed_events(), name=self.get_name()), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="events.ics"'
        return response


class OrganizationFeedView(CalendarFeedView):
    def get(self, request, *args, **kwargs):
        self.organization = get_object_or_404(Organization.objects.public(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_events(self):
        return super().get_events().for_organization(self.organization)

    def get_name(self):
        return _("%(organization)s · events") % {"organization": self.organization.name}


# Portal: the organizer's tools


class ManageEventListView(EventManagerMixin, ListView):
    template_name = "events/manage/event_list.html"
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return self.managed_events().select_related("community").with_place_counts().order_by("-starts_at", "-pk")


class ManageEventCreateView(EventManagerMixin, CreateView):
    staff_permissions = ("events.add_event",)
    form_class = EventForm
    template_name = "events/manage/event_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def form_valid(self, form):
        form.instance.organization = self.organization
        self.object = services.create_event(form.instance, acting_user=self.request.user)
        messages.success(self.request, _("The event has been saved as a draft. Publish it when it is ready."))
        return redirect("events:manage-detail", pk=self.object.pk)


class ManageEventMixin(EventManagerMixin):
    """Views of one of the organizer's own events: another organization's event is a 404."""

    staff_permissions = ("events.view_event", "events.view_registration")  # the page lists sign-ups

    def get_event(self):
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(
                self.managed_events().select_related("organization", "community"), pk=self.kwargs["pk"]
            )
        return self._event

    def get_object(self, queryset=None):
        return self.get_event()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("event", self.get_event())
        return super().get_context_data(**kwargs)


class ManageEventUpdateView(ManageEventMixin, UpdateView):
    staff_permissions = ("events.change_event",)
    form_class = EventForm
    template_name = "events/manage/event_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get(self, request, *args, **kwargs):
        if not self.get_event().is_editable:
            messages.info(request, _("Cancelled and completed events cannot be edited."))
            return redirect("events:manage-detail", pk=self.get_event().pk)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.update_event(form.instance, acting_user=self.request.user)
        except ValidationError as error:
            form.add_error("capacity" if error.code == "capacity" else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The event has been saved."))
        return redirect("events:manage-detail", pk=form.instance.pk)


class ManageEventDetailView(ManageEventMixin, DetailView):
    """The organizer's own event: full mobile numbers of its sign-ups (and nowhere else), check-in, actions.

    Sign-ups 50 a page, found by code, last digits of the mobile or name (`?q=`): an event with thousands of
    sign-ups opens as fast as one with ten."""

    template_name = "events/manage/event_detail.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        counts = {status: 0 for status in Registration.Status} | {
            row["status"]: row["n"] for row in _status_counts(self.object)
        }
        query = self.request.GET.get("q", "").replace("\x00", "").strip()[:50]
        registrations = self.object.registrations.find(query).order_by("status", "created_at", "pk")
        paginator = ForgivingPaginator(registrations, self.paginate_by)
        if not query:
            paginator.count = sum(counts.values())  # known already: no COUNT query
        page = paginator.get_page(self.request.GET.get("page"))
        record_personal_data_access(user=self.request.user, action="view", subject=self.object, records=0)
        return super().get_context_data(
            registrations=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            query=query,
            counts=counts,
            changes=self.object.changes.select_related("changed_by")[:10],
            feedback=event_feedback(self.object),
            **kwargs,
        )


def _status_counts(event):
    return event.registrations.values("status").annotate(n=Count("pk")).order_by()


class ManageEventActionView(ManageEventMixin, View):
    """POST-only actions on an event; the service decides whether they are allowed."""

    staff_permissions = ("events.change_event",)

    def post(self, request, *args, **kwargs):
        try:
            self.act(self.get_event())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("events:manage-detail", pk=self.get_event().pk)


class ManageEventPublishView(ManageEventActionView):
    def act(self, event):
        services.publish_event(event, acting_user=self.request.user)
        messages.success(self.request, _("The event is now on the public calendar."))


class ManageEventCancelView(ManageEventMixin, FormView):
    staff_permissions = ("events.change_event",)
    form_class = CancelEventForm
    template_name = "events/manage/event_cancel.html"

    def form_valid(self, form):
        try:
            services.cancel_event(self.get_event(), acting_user=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, _("The event has been cancelled. Those who left an email have been told."))
        return redirect("events:manage-detail", pk=self.get_event().pk)


class ManageRegistrationActionView(ManageEventMixin, View):
    """Check in, undo a check-in, or cancel one sign-up of the organizer's own event."""

    staff_permissions = ("events.change_registration",)

    actions = {
        "check-in": (services.check_in_registration, gettext_lazy("%(name)s is checked in.")),
        "undo-check-in": (services.undo_check_in, gettext_lazy("The check-in of %(name)s has been undone.")),
        "cancel": (services.cancel_registration, gettext_lazy("The sign-up of %(name)s has been cancelled.")),
    }

    def post(self, request, pk, registration_pk, action):
        event = self.get_event()
        registration = get_object_or_404(event.registrations, pk=registration_pk)
        if action not in self.actions:
            raise Http404
        service, message = self.actions[action]
        try:
            service(registration, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message % {"name": registration.name})
        back = request.POST.get("next", "")  # the check-in page sends people back to its search
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        page = reverse("events:manage-detail", args=[event.pk])
        # Back to the page of the list the organizer was on (its search and page number), at the row.
        referer = urlsplit(request.headers.get("Referer", ""))
        query = f"?{referer.query}" if referer.path == page and referer.query else ""
        return redirect(f"{page}{query}#registration-{registration.pk}")


class ManageEventExportView(ManageEventMixin, View):
    """The sign-up list of one of the organizer's own events, as CSV (streamed row by row) or Excel."""

    staff_permissions = ("events.view_registration",)

    def get(self, request, pk, file_format):
        if file_format not in FORMATS:
            raise Http404
        event = self.get_event()
        header = [_("Name"), _("Mobile number"), _("Email"), _("Status"), _("Signed up at"), _("Checked in at")]
        registrations = event.registrations.order_by("created_at", "pk")
        status_labels = dict(Registration.Status.choices)
        rows = (
            [name, mobile, email, status_labels.get(status, status), created_at, checked_in_at]
            for name, mobile, email, status, created_at, checked_in_at in registrations.values_list(
                "name", "mobile", "email", "status", "created_at", "checked_in_at"
            ).iterator(chunk_size=2000)
        )
        record_personal_data_access(
            user=request.user, action="export", subject=f"{event} ({file_format})", records=registrations.count()
        )
        return spreadsheet_response(
            file_format, f"event-{event.pk}-registrations", header, rows, title=_("Registrations"), stream=True
        )


class ManageEventReportView(ManageEventMixin, FormView):
    staff_permissions = ("events.change_event",)
    form_class = EventReportForm
    template_name = "events/manage/event_report.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "checked_in": services.checked_in_count(self.get_event())}

    def form_valid(self, form):
        try:
            services.file_event_report(
                self.get_event(), acting_user=self.request.user, photos=form.cleaned_data["photos"],
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you: the report is filed and the event is completed."))
        return redirect("events:manage-detail", pk=self.get_event().pk)


class ManageRegistrationListView(EventManagerMixin, FilterView):
    """Sign-ups across the organizer's events. Mobile numbers are masked here; the event's own page shows them."""

    staff_permissions = ("events.view_registration",)

    filterset_class = ManageRegistrationFilter
    template_name = "events/manage/registration_list.html"
    paginate_by = 50
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return self.managed_registrations().select_related("event").order_by("-event__starts_at", "created_at", "pk")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "events": self.managed_events().order_by("-starts_at")}


# Staff: the monthly activity duty


class ComplianceMixin(StaffPermissionRequiredMixin):
    permission_required = "stats.view_compliance"

    def get_month(self):
        current = compliance.this_month()
        month = compliance.parse_month(self.request.GET.get("month"), default=current)
        return min(month, current)


class ComplianceView(ComplianceMixin, ListView):
    """Member organizations and their community activities of a month, 50 a page, those below the duty first."""

    template_name = "events/compliance.html"
    context_object_name = "rows"
    paginate_by = 50
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        self.month = self.get_month()
        self.totals = compliance.month_totals(self.month)
        return compliance.with_disputes(compliance.compliance_for_month(self.month), self.month).only("name")

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals["members"]  # the listing's length, known already: no COUNT query
        return paginator

    def get_context_data(self, **kwargs):
        current = compliance.this_month()
        return super().get_context_data(
            month=self.month,
            totals=self.totals,
            met=self.totals["members"] - self.totals["below"],
            is_current=self.month == current,
            previous_month=compliance.shift_month(self.month, -1),
            next_month=compliance.shift_month(self.month, 1) if self.month < current else None,
            recent_months=[compliance.shift_month(current, -offset) for offset in range(12)],
            proof=duty_proof_label(),
            differing=compliance.reports_differing(self.month),
            community_word=compliance.community_word(self.month),
            **kwargs,
        )


class ComplianceExportView(ComplianceMixin, View):
    def get(self, request, file_format):
        if file_format not in FORMATS:
            raise Http404
        month = self.get_month()
        not_met = _("in progress") if month == compliance.this_month() else _("no")  # the month has not ended
        header = [_("Organization"), _("Community activities"), _("Duty met")]
        rows = [
            [name, count, _("yes") if count >= compliance.DUTY_PER_MONTH else not_met]
            for name, count in compliance.compliance_for_month(month).values_list("name", "activity_count")
        ]
        name = f"monthly-activity-{month:%Y-%m}"
        return spreadsheet_response(file_format, name, header, rows, title=f"{month:%Y-%m}")
