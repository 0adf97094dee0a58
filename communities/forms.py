from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Community

from .models import ActivityConfirmation, CommunityAccount


class CommunityInvitationForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all())
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CommunityAccount.Role.choices,
        initial=CommunityAccount.Role.ADMIN,
        help_text=_("Administrators can also invite colleagues of their committee."),
    )


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
