from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.pictures import SafeImageField, reencode_image
from core.validators import FULL_WIDTH, normalize_mobile, validate_mobile
from members.models import Community
from projects.models import Project

from .models import Event, EventReport, Feedback, LookupCode
from .services import attendance_note_needed

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_REPORT_PHOTOS = 10


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class EventForm(forms.ModelForm):
    """What an organizer fills in to create or edit an event."""

    cover = SafeImageField(label=_("Cover image"), required=False)

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "community",
            "project",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "signup_needs_code",
            "party_building_3h",
            "party_building_5m",
            "cover",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_opens_at": DateTimeInput(),
            "registration_closes_at": DateTimeInput(),
        }

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only projects residents see (the event page links them): the organizer's own; federation events: any.
        projects = Project.objects.public()
        if organization is not None:
            projects = projects.for_organization(organization)
        self.fields["project"].queryset = projects.order_by("title")
        self.fields["project"].empty_label = _("Not part of a project")
        self.fields["community"].queryset = Community.objects.all()
        self.fields["community"].empty_label = _("Street-wide / not in one community")
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["capacity"].widget.attrs.update({"min": 1, "inputmode": "numeric"})


class RegistrationForm(forms.Form):
    """A resident's sign-up. The consent box starts unticked: agreeing has to be a choice."""

    name = forms.CharField(label=_("Your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        validators=[validate_mobile],
        help_text=_("Mainland China mobile number. The organizer may call you about the event."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send your confirmation and any change to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice above and agree that my name and number are used for this event."),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to sign up.")},
    )

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])


def clean_text_code(value):
    """A code as typed (spaces, full-width digits from Chinese input methods) → its ASCII digits, or a form error."""
    code = "".join(value.split()).translate(FULL_WIDTH)
    if not (len(code) == LookupCode.LENGTH and code.isascii() and code.isdigit()):
        raise forms.ValidationError(
            _("The code has %(length)d digits."), code="format", params={"length": LookupCode.LENGTH}
        )
    return code


class TextCodeMixin(forms.Form):
    """The code texted to a mobile (events.models.LookupCode), as the resident types it."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=20,
        help_text=_("6 digits."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return clean_text_code(self.cleaned_data["code"])


class RegistrationCodeForm(TextCodeMixin, RegistrationForm):
    """The second step of a sign-up whose event asks for a text-message code: what the resident gave in the
    first step travels along hidden (and is checked again), with the code texted to the mobile."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "mobile", "email", "consent"):
            self.fields[name].widget = forms.HiddenInput()


class WalkInForm(forms.Form):
    """The organizer adds a person at the door (现场报名): checked in at once while places are left."""

    name = forms.CharField(label=pgettext_lazy("a person's", "Name"), max_length=50)
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, validators=[validate_mobile],
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])


class SelfCheckInForm(forms.Form):
    """A resident at the door, from the venue QR code: the mobile they signed up with. A number without a place
    is asked for a name (and consent) to be added as a walk-in."""

    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, validators=[validate_mobile],
        help_text=_("The number you signed up with."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    name = forms.CharField(
        label=_("Your name"), max_length=50, required=False, widget=forms.HiddenInput(),
    )
    consent = forms.BooleanField(
        label=_("I agree that my name and number are used for this event."), required=False,
        widget=forms.HiddenInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("name"):
            self.show_walk_in_fields()

    def show_walk_in_fields(self):
        self.fields["name"].widget = forms.TextInput(attrs={"autocomplete": "name"})
        self.fields["consent"].widget = forms.CheckboxInput()

    def ask_for_name(self):
        """No place under this number: the form asks for a name, to be added as a walk-in."""
        self.show_walk_in_fields()
        self.add_error(None, _("There is no sign-up under this number. To take part anyway, give your name and "
                               "you are added as a walk-in while places are left."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not cleaned.get("consent"):
            self.add_error("consent", _("Please agree, to be added as a walk-in."))
        return cleaned


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone who signed up with an email address receives it."),
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several pictures in one field, each checked and re-encoded like `SafeImageField`."""

    def __init__(self, *args, max_files=MAX_REPORT_PHOTOS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                _("At most %(count)d photos, please."), code="too_many_photos", params={"count": self.max_files}
            )
        return [reencode_image(super(MultipleImageField, self).clean(item, initial)) for item in files]


class EventReportForm(forms.ModelForm):
    """The after-event report. The attendance starts from the people checked in (walk-ins included); another
    figure needs a reason (events.services.file_event_report), asked for here too."""

    photos = MultipleImageField(
        label=_("Photos"), help_text=_("Up to 10 pictures: JPEG, PNG, GIF or WebP, at most 2 MB each.")
    )

    class Meta:
        model = EventReport
        fields = ["attendance", "attendance_note", "volunteers", "beneficiaries_served", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}), "attendance_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, checked_in=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_in = checked_in
        self.initial.setdefault("attendance", checked_in)
        self.fields["attendance"].help_text = ngettext(
            "%(count)d person was checked in (walk-ins included). Another figure needs a reason below.",
            "%(count)d people were checked in (walk-ins included). Another figure needs a reason below.",
            checked_in,
        ) % {"count": checked_in}
        self.fields["attendance"].widget.attrs.update({"min": 0, "inputmode": "numeric"})

    def clean(self):
        cleaned = super().clean()
        attendance = cleaned.get("attendance")
        if attendance is not None and attendance != self.checked_in and not cleaned.get("attendance_note", "").strip():
            self.add_error("attendance_note", attendance_note_needed(self.checked_in))
        return cleaned


class LookupMobileForm(forms.Form):
    """"My sign-ups", first step: the mobile number to text a code to."""

    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        validators=[validate_mobile],
        help_text=_("The number you signed up with."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])


class LookupCodeForm(TextCodeMixin, LookupMobileForm):
    """"My sign-ups", second step: the code texted to the number (which travels along, hidden)."""


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget = forms.HiddenInput()



class FeedbackForm(forms.Form):
    """A resident's rating of an event they attended (events.services.rate_event): 1–5 and an optional comment."""

    RATING_CHOICES = [
        (5, _("5 – excellent")),
        (4, _("4 – good")),
        (3, _("3 – all right")),
        (2, _("2 – poor")),
        (1, _("1 – very poor")),
    ]

    rating = forms.TypedChoiceField(
        label=_("How was the event?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=Feedback._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went well, what could be better. Only the organizer and the street office read it; it is "
                    "never shown on the public pages."),
    )
