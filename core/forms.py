"""Forms shared by every app."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import OutboxMessage


class DateInput(forms.DateInput):
    """A date picker (<input type=date>) whose value is ISO: the localized 2026/12/02 of the Chinese pages is not a
    valid value for it."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organization will read this."),
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the mail written to the outbox instead of sent during the request: a known
    address and an unknown one then cost the request the same (no mail server in either), so the answer's timing
    does not tell which addresses have an account. A worker delivers the mail after the commit."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        with transaction.atomic():
            outbox.queue("password_reset", channel=OutboxMessage.Channel.EMAIL, recipient=to_email,
                         subject=subject, body=body)
