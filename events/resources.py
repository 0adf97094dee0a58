"""Excel/CSV columns for events and registrations (admin export; headers follow the admin's language)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields, resources, widgets

from members.resources import ChoiceLabelWidget

from .models import Event, Registration


class EventResource(resources.ModelResource):
    title = fields.Field(attribute="title", column_name=_("title"))
    organizer = fields.Field(attribute="organizer_name", column_name=_("organizer"))
    kind = fields.Field(attribute="kind", column_name=_("kind"), widget=ChoiceLabelWidget(Event.Kind.choices))
    starts_at = fields.Field(attribute="starts_at", column_name=_("starts at"), widget=widgets.DateTimeWidget())
    ends_at = fields.Field(attribute="ends_at", column_name=_("ends at"), widget=widgets.DateTimeWidget())
    place = fields.Field(attribute="place", column_name=_("place"))
    community = fields.Field(attribute="community__name", column_name=_("community"))
    capacity = fields.Field(attribute="capacity", column_name=_("places"))
    state = fields.Field(attribute="state", column_name=_("state"), widget=ChoiceLabelWidget(Event.State.choices))
    attendance = fields.Field(attribute="report__attendance", column_name=_("attendance"))
    beneficiaries = fields.Field(attribute="report__beneficiaries_served", column_name=_("beneficiaries served"))

    class Meta:
        model = Event
        fields = [
            "title", "organizer", "kind", "starts_at", "ends_at", "place", "community", "capacity", "state",
            "attendance", "beneficiaries",
        ]

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "community", "report")


class RegistrationResource(resources.ModelResource):
    """Residents' personal data: every export is logged (see RegistrationAdmin)."""

    event = fields.Field(attribute="event__title", column_name=_("event"))
    starts_at = fields.Field(attribute="event__starts_at", column_name=_("starts at"), widget=widgets.DateTimeWidget())
    name = fields.Field(attribute="name", column_name=pgettext_lazy("a person's", "name"))
    mobile = fields.Field(attribute="mobile", column_name=_("mobile number"))
    email = fields.Field(attribute="email", column_name=_("email"))
    status = fields.Field(
        attribute="status", column_name=_("status"), widget=ChoiceLabelWidget(Registration.Status.choices)
    )
    created_at = fields.Field(attribute="created_at", column_name=_("signed up at"), widget=widgets.DateTimeWidget())
    checked_in_at = fields.Field(
        attribute="checked_in_at", column_name=_("checked in at"), widget=widgets.DateTimeWidget()
    )

    class Meta:
        model = Registration
        fields = ["event", "starts_at", "name", "mobile", "email", "status", "created_at", "checked_in_at"]

    def get_queryset(self):
        return super().get_queryset().select_related("event")
