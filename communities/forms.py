from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Community, ServiceField
from projects.models import CommunityNeed

from .models import ActivityConfirmation, CommunityAccount, QuarterlyRating


class ColleagueInvitationForm(forms.Form):
    """A committee's administrator invites a colleague of the same committee."""

    email = forms.EmailField(label=_("Colleague's email"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CommunityAccount.Role.choices,
        initial=CommunityAccount.Role.MEMBER,
        help_text=_("Administrators can also invite colleagues of their committee."),
    )


class CommunityInvitationForm(ColleagueInvitationForm):
    """Staff invite someone of any neighbourhood committee, usually its first administrator."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all())
    field_order = ["community", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email")
        self.fields["role"].initial = CommunityAccount.Role.ADMIN


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What did not happen as reported?"),
        min_length=ActivityConfirmation.REASON_MIN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At least 10 characters. The organizer and the street office's staff will read it."),
    )


class ResolveDisputeForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("uphold", _("Uphold: the activity does not count toward the duty")),
            ("dismiss", _("Dismiss: the activity counts")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CommunityNeedForm(forms.ModelForm):
    class Meta:
        model = CommunityNeed
        fields = ["title", "description", "service_field"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "description": _("Who needs what, when and where: member organizations read it to offer their help."),
        }


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=pgettext_lazy("a committee's rating of an organization", "Rating"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(score, str(score)) for score in range(QuarterlyRating.MIN_SCORE, QuarterlyRating.MAX_SCORE + 1)],
        help_text=_("1 poor · 5 excellent. The organization never learns which committee gave which rating."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class CoverageFilterForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Service field"), required=False, choices=[("", _("All fields")), *ServiceField.Code.choices]
    )
