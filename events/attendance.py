"""Attendance: proof that an event took place (issue 17).

- The poster of a published event (/events/<id>/poster/): an A4 page for the committee's notice board with a QR code
  of the sign-up page.
- The organizer's check-in page (/portal/events/<id>/check-in/): find a person by check-in code, the last four
  digits of the mobile or the name, and check them in with one tap; add walk-ins while places are left.
- The venue QR code (/portal/events/<id>/venue-code/) shown at the door, and the residents' self check-in page it
  opens (/events/<id>/check-in/<token>/).
- The sign-in sheet (/portal/events/<id>/sign-in-sheet/): a print page, 25 rows an A4 page.

Check-in happens only inside the event's window (Event.check_in_refusal); the services refuse it outside.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView

from core.pagination import ForgivingPaginator
from core.throttle import ThrottleMixin, by_address
from members.services import record_personal_data_access

from . import services
from .forms import SelfCheckInForm, WalkInForm
from .models import Event
from .views import ManageEventMixin


class EventPosterView(DetailView):
    """The printable poster of a published event: title, time, place, organizer, a QR code of the sign-up page."""

    page_cache = ("members", "events")  # the data families it shows (federation_portal/pagecache.py)
    queryset = Event.objects.public().select_related("organization", "community")
    template_name = "events/event_poster.html"


@method_decorator(never_cache, name="dispatch")
class CheckInView(ManageEventMixin, FormView):
    """The door: the search (?q=), the people found with a one-tap check-in each, and the walk-in form."""

    staff_permissions = ("events.change_registration",)
    template_name = "events/manage/check_in.html"
    form_class = WalkInForm
    paginate_by = 50

    def get_context_data(self, **kwargs):
        event = self.get_event()
        query = self.request.GET.get("q", "").strip()
        registrations = (
            event.registrations.active().find(query)
            .order_by("status", "name", "pk").select_related("event")
        )
        page = ForgivingPaginator(registrations, self.paginate_by).get_page(self.request.GET.get("page"))
        for registration in page:
            registration.event = event  # the window is the event's: asked once, not per row
        record_personal_data_access(user=self.request.user, action="view", subject=event, records=0)
        return super().get_context_data(
            query=query,
            page_obj=page,
            registrations=page.object_list,
            checked_in=services.checked_in_count(event),
            taken=event.registrations.holding_place().count(),
            window_refusal=event.check_in_refusal(),
            **kwargs,
        )

    def form_valid(self, form):
        event = self.get_event()
        try:
            registration = services.add_walk_in(event, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("mobile" if error.code == "duplicate" else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is added as a walk-in and checked in.") % {
            "name": registration.name
        })
        return redirect("events:manage-check-in", pk=event.pk)


class VenueCodeView(ManageEventMixin, TemplateView):
    """The venue QR code for the door (print it or show it on a screen): residents who signed up check themselves
    in with their mobile during the check-in window."""

    staff_permissions = ("events.view_event",)
    template_name = "events/manage/venue_code.html"

    def get_context_data(self, **kwargs):
        event = self.get_event()
        return super().get_context_data(
            self_check_in_path=reverse("events:self-check-in", args=[event.pk, event.venue_token]), **kwargs
        )


class SignInSheetView(ManageEventMixin, TemplateView):
    """签到表: numbered rows of the people with a place (name, masked mobile, a signature column), then blank rows
    for walk-ins; ROWS_PER_PAGE rows on each printed A4 page."""

    staff_permissions = ("events.view_registration",)
    template_name = "events/manage/sign_in_sheet.html"
    ROWS_PER_PAGE = 25
    BLANK_ROWS = 10

    def get_context_data(self, **kwargs):
        event = self.get_event()
        people = list(event.registrations.holding_place().order_by("created_at", "pk").values_list("name", "mobile"))
        rows = [*people, *[("", "")] * self.BLANK_ROWS]
        rows += [("", "")] * (-len(rows) % self.ROWS_PER_PAGE)  # the last page full of blank rows
        pages = [
            [(start + n + 1, name, mobile) for n, (name, mobile) in enumerate(rows[start:start + self.ROWS_PER_PAGE])]
            for start in range(0, len(rows), self.ROWS_PER_PAGE)
        ]
        record_personal_data_access(user=self.request.user, action="view", subject=event, records=len(people))
        return super().get_context_data(pages=pages, people=len(people), **kwargs)


@method_decorator(never_cache, name="dispatch")
class SelfCheckInView(ThrottleMixin, FormView):
    """What the venue QR code opens on a resident's phone: their mobile checks them in; a number without a place
    may be added as a walk-in (with a name) while places are left. A wrong token is a 404."""

    template_name = "events/self_check_in.html"
    form_class = SelfCheckInForm
    throttles = [("check-in-address", by_address)]

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event.objects.public(), pk=kwargs["pk"])
        try:
            services.check_venue_token(self.event, kwargs["token"], window=False)
        except ValidationError:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, window_refusal=self.event.check_in_refusal(), **kwargs)

    def form_valid(self, form):
        mobile, name = form.cleaned_data["mobile"], form.cleaned_data["name"]
        token = self.kwargs["token"]
        try:
            if name:
                registration = services.add_walk_in(self.event, name=name, mobile=mobile, token=token)
            else:
                registration = services.check_in_with_venue_code(self.event, token=token, mobile=mobile)
        except ValidationError as error:
            if error.code == "not_signed_up":
                form.ask_for_name()
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, checked_in=registration))
