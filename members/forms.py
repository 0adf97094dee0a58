from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.pictures import SafeImageField

from .models import Community, Organization, OrganizationAccount, ServiceField


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows whose ids are checked before they reach the database.

    Django passes a submitted id straight into an IN (...) query, and an absurdly large number
    then crashes the SQLite driver instead of giving a form error.
    """

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit()) or int(text) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class AccountForm(forms.Form):
    """The person signing up: name, email (used to log in) and password."""

    full_name = forms.CharField(label=_("Your name"), max_length=50)
    email = forms.EmailField(label=_("Email"), help_text=_("You log in with this address."))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not too common and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email_readonly=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if email_readonly:
            self.fields["email"].disabled = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        User = get_user_model()
        if not self.fields["email"].disabled and (
            User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists()
        ):
            raise forms.ValidationError(
                _("An account with this email already exists. Log in first, or use another address.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            user = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    @property
    def new_account(self):
        """What members.services needs to make the account (create_account)."""
        return {
            "email": self.cleaned_data["email"],
            "full_name": self.cleaned_data["full_name"],
            "password": self.cleaned_data["password1"],
        }


class OrganizationFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("service_fields", ServiceField.objects.all()),
            ("communities", Community.objects.all()),
        ):
            field = self.fields[name]
            self.fields[name] = CheckedModelMultipleChoiceField(
                queryset=queryset,
                required=False,
                label=field.label,
                help_text=field.help_text,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["founded_on"].widget = DateInput()
        self.fields["contact_phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        if "credit_code" in self.fields:
            self.fields["credit_code"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})

    def clean_contact_phone(self):
        return self.cleaned_data.get("contact_phone", "").strip()  # checked by the model (core.validators)

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper() or None


class OrganizationSignUpForm(OrganizationFormMixin, forms.ModelForm):
    application_note = forms.CharField(
        label=_("Why do you want to join?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: a few words for the federation's staff."),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "org_type",
            "credit_code",
            "founded_on",
            "registration_authority",
            "service_fields",
            "communities",
            "address",
            "contact_person",
            "contact_phone",
            "email",
            "summary",
            "government_funded",
            "has_party_organization",
        ]


class OrganizationProfileForm(OrganizationFormMixin, forms.ModelForm):
    logo = SafeImageField(label=_("Logo"), required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "org_type",
            "credit_code",
            "founded_on",
            "registration_authority",
            "service_fields",
            "communities",
            "address",
            "contact_person",
            "contact_phone",
            "email",
            "website",
            "logo",
            "summary",
            "description",
            "government_funded",
            "has_party_organization",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganizationAccount.Role.choices,
        initial=OrganizationAccount.Role.EDITOR,
        help_text=_("Administrators can also invite and remove colleagues."),
    )


class MembershipApplicationForm(forms.Form):
    note = forms.CharField(label=_("Note to the federation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
