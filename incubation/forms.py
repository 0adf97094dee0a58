from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from members.forms import CheckedModelMultipleChoiceField
from members.models import Community, Organization, SupportSession

from .models import MIN_TEAM_MEMBERS, Cohort, Incubation, TeamFiling


class TeamForm(forms.ModelForm):
    """The team's public name and what it does."""

    class Meta:
        model = Organization
        fields = ["name", "summary"]
        labels = {"name": _("Team name"), "summary": _("What the team does")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.org_type = Organization.Type.COMMUNITY_TEAM  # filed, not registered: no credit code


class FilingForm(forms.ModelForm):
    communities = CheckedModelMultipleChoiceField(
        label=_("Service communities"), queryset=Community.objects.all(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TeamFiling
        fields = [
            "category", "member_names", "leader_name", "leader_mobile", "activity_time", "activity_place",
            "communities", "charter", "uses_model_charter",
        ]
        widgets = {"member_names": forms.Textarea(attrs={"rows": 12})}

    def clean_member_names(self):
        names = [name.strip() for name in self.cleaned_data["member_names"].splitlines() if name.strip()]
        if len(names) < MIN_TEAM_MEMBERS:
            raise forms.ValidationError(
                _("A team needs at least %(count)d members to be filed; you gave %(given)d.")
                % {"count": MIN_TEAM_MEMBERS, "given": len(names)}
            )
        return "\n".join(names)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("charter") and not cleaned.get("uses_model_charter"):
            self.add_error("charter", _("Upload the team's charter, or use the model charter."))
        return cleaned


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("Opinion"), choices=TeamFiling.Opinion.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("File the team")), ("reject", _("Do not file"))],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the team is not filed: the team reads it."),
    )


def mentor_choices():
    """Staff, and people of active member organizations."""
    members = Organization.objects.members()
    return get_user_model().objects.filter(
        Q(is_staff=True) | Q(org_account__organization__in=members), is_active=True
    ).order_by("first_name", "username")


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class AdmitForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Team or organization"),
        queryset=Organization.objects.filter(
            Q(incubation__isnull=True) | Q(incubation__stage=Incubation.Stage.APPLIED)
        ).exclude(incubation_status=Organization.Incubation.GRADUATED),
    )
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.all())
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())
    mentor = MentorChoiceField(label=_("Mentor"), queryset=mentor_choices(), required=False)
    reason = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentor_choices()


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, incubation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in incubation.next_stages()]


class GraduationForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    org_type = forms.ChoiceField(
        label=_("Registered as"),
        choices=[
            (value, label) for value, label in Organization.Type.choices if value != Organization.Type.COMMUNITY_TEAM
        ],
    )
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput())
    registration_authority = forms.CharField(label=_("Registration authority"), initial="普陀区民政局")
    reason = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        # On the incubation's page beside the stage form, whose `reason` field would otherwise share its id.
        kwargs.setdefault("auto_id", "graduate-%s")
        super().__init__(*args, **kwargs)


class SupportSessionForm(forms.ModelForm):
    class Meta:
        model = SupportSession
        fields = ["kind", "on", "hours", "note"]
        widgets = {"on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = SupportSession.Kind.INCUBATION


class MilestoneTickForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done, and where the mentor can see it."),
    )


class IncubationApplicationForm(forms.Form):
    note = forms.CharField(
        label=_("What does the team need from the base?"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. help with the charter, the accounts, a first project, registering."),
    )


class MembershipNoteForm(forms.Form):
    note = forms.CharField(label=_("Application"), widget=forms.Textarea(attrs={"rows": 4}))


