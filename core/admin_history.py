"""The admin's change history (django-simple-history) as staff read it: a choice by its label (已立项, not approved),
yes/no, several values joined by 、, and an empty value as —, never None or a Python list."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if isinstance(value, list | tuple):
            return pgettext("list separator", ", ").join(str(item) for item in value) or EMPTY
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if field.flatchoices:
            return dict(field.flatchoices).get(value, value)
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page shows readable values."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)
