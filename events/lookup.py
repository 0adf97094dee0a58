"""Residents finding their way back without the private link, and the text-message switch of the private page.

"My sign-ups" (/events/my/): the resident gives a mobile, gets a code by text message (events.services) and,
with it, sees that number's sign-ups for SESSION_MINUTES, each linking to its private page (where it can be
cancelled). The page answers the same whether the number signed up or not. The session holds only the number
being checked and, once its code was right, since when; the pages are never stored by any cache.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from core.clientip import client_ip
from core.validators import mask_mobile

from . import services
from .forms import LookupCodeForm, LookupMobileForm
from .models import LookupCode, Registration

SESSION_KEY = "events.my_sign_ups"
SESSION_MINUTES = 30  # how long a right code shows the sign-ups on this device


def lookup_state(request):
    """What this device is at: ("verified", mobile) for SESSION_MINUTES after a right code, then ("expired",
    mobile); ("checking", mobile) once a code was asked for; (None, None) at first."""
    state = request.session.get(SESSION_KEY) or {}
    mobile, verified_at = state.get("mobile"), state.get("verified_at")
    if not mobile:
        return None, None
    if verified_at is None:
        return "checking", mobile
    if timezone.now().timestamp() - verified_at > SESSION_MINUTES * 60:
        return "expired", mobile
    return "verified", mobile


def remember(request, mobile, *, verified=False):
    if verified:
        request.session.cycle_key()  # a new session id once it shows personal data
    request.session[SESSION_KEY] = {"mobile": mobile, "verified_at": timezone.now().timestamp() if verified else None}


def client_address(request):
    """The visitor's address as the trusted proxies report it (core.clientip), for the per-address limit."""
    return client_ip(request) or ""


@method_decorator(never_cache, name="dispatch")
class MySignUpsView(TemplateView):
    """The sign-ups of the verified mobile, else the code form for the mobile being checked, else the mobile form.
    The POST views below show it again with their form when it has errors."""

    template_name = "events/my_sign_ups.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            code_minutes=LookupCode.VALID_MINUTES,
            session_minutes=SESSION_MINUTES,
            codes_per_hour=LookupCode.PER_MOBILE_PER_HOUR,
            recent_days=Registration.RECENT_DAYS,
            **kwargs,
        )
        state, mobile = lookup_state(self.request)
        if "mobile_form" in kwargs or ("code_form" not in kwargs and state in (None, "expired")):
            context.setdefault("mobile_form", LookupMobileForm())
            context["session_expired"] = state == "expired" and "mobile_form" not in kwargs
        elif "code_form" in kwargs or state == "checking":
            form = context.setdefault("code_form", LookupCodeForm(initial={"mobile": mobile}))
            context["mobile"] = mask_mobile(form["mobile"].value())
        else:
            context["mobile"] = mask_mobile(mobile)
            context["registrations"] = (
                Registration.objects.of_mobile(mobile).current()
                .select_related("event", "event__organization").order_by("event__starts_at", "pk")
            )
        return context


class RequestCodeView(MySignUpsView):
    http_method_names = ["post"]

    def post(self, request):
        form = LookupMobileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(mobile_form=form), status=400)
        try:
            services.request_lookup_code(form.cleaned_data["mobile"], client_address=client_address(request))
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(mobile_form=form), status=429)
        remember(request, form.cleaned_data["mobile"])
        messages.info(request, _("If this number has sign-ups, a code is on its way by text message."))
        return redirect("events:my-sign-ups")


class VerifyCodeView(MySignUpsView):
    http_method_names = ["post"]

    def post(self, request):
        form = LookupCodeForm(request.POST)
        if form.is_valid():
            try:
                mobile = services.verify_lookup_code(form.cleaned_data["mobile"], form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error)
            else:
                remember(request, mobile, verified=True)
                return redirect("events:my-sign-ups")
        return self.render_to_response(self.get_context_data(code_form=form), status=400)


@method_decorator(never_cache, name="dispatch")
class ForgetMobileView(View):
    """"Use another number" / "Done": this device no longer shows that number's sign-ups."""

    def post(self, request):
        request.session.pop(SESSION_KEY, None)
        return redirect("events:my-sign-ups")


class RegistrationTextMessagesView(View):
    """The stop link of the private sign-up page (and its undo): no more text messages to the sign-up's mobile."""

    def post(self, request, token):
        registration = get_object_or_404(Registration, token=token)
        receive = request.POST.get("receive")
        if receive == "no":
            services.stop_text_messages(registration)
            messages.success(request, _("We will send no more text messages to this number."))
        elif receive == "yes":
            services.resume_text_messages(registration)
            messages.success(request, _("Text messages to this number are on again."))
        return redirect(registration)
