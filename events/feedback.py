"""Residents' feedback on the events they attended (issue 17, part 5).

Those checked in rate an event 1–5 with an optional comment, through the private link of their sign-up, from its
end until FEEDBACK_DAYS after (events.services.rate_event); a message invites them (send_feedback_invitations).
Organizers read the average, the count and the comments of their own events; staff read per-organization
averages (stats); the public pages show an average only from FEEDBACK_PUBLIC_MINIMUM ratings on. Comments are
never public.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from core.pagination import ForgivingPaginator

from . import services
from .forms import FeedbackForm
from .models import Feedback, Registration
from .permissions import EventManagerMixin

STARS = range(5, 0, -1)


def event_feedback(event):
    """What the organizer reads about an event's feedback: {"count", "average", "distribution": [(stars,
    ratings), …] from 5 down, "comments": the feedback with a comment, newest first}. Two queries."""
    ratings = Feedback.objects.filter(event=event)
    summary = ratings.order_by().aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        **{f"n{stars}": Count("pk", filter=Q(rating=stars)) for stars in STARS},
    )
    return {
        "days": settings.FEEDBACK_DAYS,
        "count": summary["count"],
        "average": summary["average"],
        "distribution": [(stars, summary[f"n{stars}"]) for stars in STARS],
        "comments": list(ratings.exclude(comment="").only("rating", "comment", "created_at")),
    }


@method_decorator(never_cache, name="dispatch")
class RegistrationFeedbackView(DetailView):
    """The resident's rating, through the private link of the sign-up: a page of its own (the invitation links
    here; the private sign-up page shows the same form). It says why when rating is not possible."""

    queryset = Registration.objects.select_related("event", "event__organization", "feedback")
    slug_field = slug_url_kwarg = "token"
    template_name = "events/registration_feedback.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("feedback_form", FeedbackForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = registration = self.get_object()
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                services.rate_event(registration, **form.cleaned_data)
            except ValidationError as error:
                if error.code != "refused":
                    form.add_error(None, error)
                    return self.render_to_response(self.get_context_data(feedback_form=form), status=400)
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you for your rating! It helps the organizer do better."))
            return redirect(registration)
        return self.render_to_response(self.get_context_data(feedback_form=form), status=400)


class ManageFeedbackView(EventManagerMixin, ListView):
    """The organizer's overview: the average of all their events' ratings, and each rated event's average and
    count, the latest first (the comments are on each event's page)."""

    staff_permissions = ("events.view_event", "events.view_feedback")
    template_name = "events/manage/feedback.html"
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return (
            self.managed_events()
            .filter(feedback__isnull=False)
            .annotate(rating_count=Count("feedback"), rating_average=Avg("feedback__rating"))
            .order_by("-starts_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        ratings = Feedback.objects.filter(event__in=self.managed_events())
        return super().get_context_data(summary=ratings.summary(), **kwargs)
