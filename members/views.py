from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView
from django_filters.views import FilterView

from core.models import Notification
from core.pagination import ForgivingPaginator
from core.portal import dashboard_panels, join_alternatives
from core.throttle import ThrottleMixin, by_address

from . import services
from .filters import OrganizationFilter
from .forms import (
    AccountForm,
    InvitationForm,
    MembershipApplicationForm,
    OrganizationProfileForm,
    OrganizationSignUpForm,
)
from .models import CouncilTerm, Invitation, Membership, Organization, OrganizationAccount
from .permissions import OrganizationAdminRequiredMixin, OrganizationRequiredMixin, account_of

# Public pages


class OrganizationListView(FilterView):
    page_cache = ("members",)  # the data families it shows (federation_portal/pagecache.py)
    filterset_class = OrganizationFilter
    queryset = Organization.objects.for_directory()
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page
    template_name = "members/organization_list.html"


class OrganizationDetailView(DetailView):
    page_cache = ("members",)  # the data families it shows (federation_portal/pagecache.py)
    queryset = Organization.objects.public().select_related("membership").prefetch_related(
        "service_fields", "communities"
    )
    slug_url_kwarg = "slug"
    template_name = "members/organization_detail.html"


class AboutView(TemplateView):
    page_cache = ("members",)  # the data families it shows (federation_portal/pagecache.py)
    template_name = "members/about.html"

    def get_context_data(self, **kwargs):
        term = CouncilTerm.objects.current().first()
        seats = []
        if term:
            seats = sorted(
                term.seats.select_related("organization"),
                key=lambda seat: (seat.role_rank, seat.organization.name),
            )
        return super().get_context_data(
            term=term,
            seats=seats,
            rotating_chair=term.rotating_chair_on() if term else None,
            schedule=term.rotating_chairs.select_related("organization") if term else [],
            **kwargs,
        )


class JoinView(ThrottleMixin, TemplateView):
    """A new organization signs up: an account for the person, the organization, and its application."""

    template_name = "members/join.html"
    throttles = [("join-address", by_address)]

    def dispatch(self, request, *args, **kwargs):
        if account_of(request.user) is not None:
            messages.info(request, _("Your account already belongs to an organization."))
            return redirect("members:portal")
        return super().dispatch(request, *args, **kwargs)

    def get_forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        account_form = None if self.request.user.is_authenticated else AccountForm(data, prefix="account")
        return account_form, OrganizationSignUpForm(data, prefix="org")

    def get_context_data(self, **kwargs):
        if "org_form" not in kwargs:
            kwargs["account_form"], kwargs["org_form"] = self.get_forms()
        return super().get_context_data(alternatives=join_alternatives, **kwargs)

    def post(self, request, *args, **kwargs):
        account_form, org_form = self.get_forms()
        if not all([form.is_valid() for form in (account_form, org_form) if form is not None]):
            messages.error(request, _("Please correct the errors below."))
            return self.render_to_response(self.get_context_data(account_form=account_form, org_form=org_form))
        try:
            account = services.register_organization(
                org_form.save(commit=False),
                acting_user=request.user,
                new_account=account_form.new_account if account_form else None,
                note=org_form.cleaned_data["application_note"],
                service_fields=org_form.cleaned_data["service_fields"],
                communities=org_form.cleaned_data["communities"],
            )
        except ValidationError as error:  # the account joined an organization meanwhile
            messages.error(request, " ".join(error.messages))
            return redirect("members:portal")
        if account_form:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Thank you! %(organization)s has applied for membership. We will email you when staff have decided.")
            % {"organization": account.organization},
        )
        return redirect("members:portal")


class AcceptInvitationView(TemplateView):
    """A colleague follows the invitation link: creates an account (or uses the one logged in) and joins.

    Other portals (communities) subclass it with their own invitation model, service and landing page."""

    template_name = "members/invitation_accept.html"
    invitation_queryset = Invitation.objects.select_related("organization")
    landing_url = "members:portal"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(self.invitation_queryset, token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def joins(self):
        """What the invited person joins (shown on the page)."""
        return self.invitation.organization

    def accept(self, **kwargs):
        return services.accept_invitation(self.invitation, **kwargs)

    def get_form(self):
        if self.request.user.is_authenticated or not self.invitation.is_usable:
            return None
        data = self.request.POST if self.request.method == "POST" else None
        return AccountForm(data, initial={"email": self.invitation.email}, email_readonly=True)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(invitation=self.invitation, joins=self.joins(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            account = self.accept(acting_user=request.user, new_account=form.new_account if form else None)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if form is not None:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to %(organization)s.") % {"organization": self.joins()})
        return redirect(self.landing_url)


# Portal


class DashboardView(OrganizationRequiredMixin, TemplateView):
    template_name = "members/manage/dashboard.html"

    def get_context_data(self, **kwargs):
        panels = [
            {"template_name": panel.template_name, **panel.get_context(self.request, self.organization)}
            for panel in dashboard_panels
        ]
        membership = getattr(self.organization, "membership", None)  # loaded with the account (account_of)
        return super().get_context_data(membership=membership, panels=panels, **kwargs)


class ProfileUpdateView(OrganizationRequiredMixin, UpdateView):
    form_class = OrganizationProfileForm
    template_name = "members/manage/organization_form.html"
    success_url = reverse_lazy("members:manage-profile")

    def get_object(self, queryset=None):
        return self.organization

    def form_valid(self, form):
        messages.success(self.request, _("Your organization's profile has been saved."))
        return super().form_valid(form)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Please correct the errors below."))
        return super().form_invalid(form)


class PeopleMixin:
    """The people page: colleagues, pending invitations, the invitation form and who changed what."""

    template_name = "members/manage/people.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", InvitationForm())
        return super().get_context_data(
            accounts=self.organization.accounts.select_related("user"),
            invitations=self.organization.invitations.pending(),
            changes=self.organization.account_changes.select_related("changed_by")[:10],
            **kwargs,
        )


class PeopleView(OrganizationRequiredMixin, PeopleMixin, TemplateView):
    pass


class InviteView(OrganizationAdminRequiredMixin, PeopleMixin, FormView):
    form_class = InvitationForm

    def form_valid(self, form):
        try:
            services.invite_colleague(self.organization, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("members:manage-people")


class RemoveColleagueView(OrganizationAdminRequiredMixin, TemplateView):
    template_name = "members/manage/account_confirm_remove.html"

    def get_account(self):
        return get_object_or_404(
            OrganizationAccount.objects.filter(organization=self.organization).select_related("user"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(colleague=self.get_account(), **kwargs)

    def post(self, request, *args, **kwargs):
        colleague = self.get_account()
        try:
            services.remove_colleague(colleague, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("members:manage-people")
        name = colleague.user.get_full_name() or colleague.user.username
        messages.success(request, _("%(name)s can no longer use the portal.") % {"name": name})
        return redirect("home" if colleague.user_id == request.user.pk else "members:manage-people")


class RevokeInvitationView(OrganizationAdminRequiredMixin, View):
    def post(self, request, pk):
        invitation = get_object_or_404(self.organization.invitations.pending(), pk=pk)
        services.revoke_invitation(invitation, acting_user=request.user)
        messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email})
        return redirect("members:manage-people")


class MembershipView(OrganizationRequiredMixin, FormView):
    """The organization's membership status and history; apply again after a rejection or withdrawal."""

    form_class = MembershipApplicationForm
    template_name = "members/manage/membership.html"

    def get_membership(self):
        return Membership.objects.filter(organization=self.organization).first()

    def get_context_data(self, **kwargs):
        membership = self.get_membership()
        can_apply = membership is None or membership.can_change_to(Membership.Status.APPLIED)
        return super().get_context_data(
            membership=membership,
            changes=membership.changes.select_related("changed_by") if membership else [],
            can_apply=can_apply,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.apply_for_membership(
                self.organization, acting_user=self.request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, _("Your application has been sent to the federation."))
        return redirect(reverse("members:manage-membership"))


class InboxView(LoginRequiredMixin, ListView):
    """Any logged-in user's notifications, newest first; opening the inbox marks them read."""

    template_name = "members/inbox.html"
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Marked after the page is built, so this visit still highlights what was new.
        context["unread_ids"] = {n.pk for n in context["object_list"] if n.read_at is None}
        Notification.objects.filter(pk__in=context["unread_ids"]).update(read_at=timezone.now())
        return context
