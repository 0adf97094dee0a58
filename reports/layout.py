"""The fixed layout of the reporting pack (sheets A–F, the checks and the members without activity): every figure
key a template (models.ReportTemplate) may label. The layout is code; the labels are data.

Each key has its English default, shown when a template does not label it; the default template "街道季报" (migration
0002) labels them all in Chinese. A template row with a key missing here is an error (`UnknownFigureKeyError`).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event
from members.models import Organization


class UnknownFigureKeyError(Exception):
    """A template labels a key the layout does not have."""

    def __init__(self, keys):
        self.keys = sorted(keys)
        super().__init__(", ".join(self.keys))


SHEETS = {
    "sheet.A": _("A Organizations by type"),
    "sheet.B": _("B Member units"),
    "sheet.C": _("C Activities"),
    "sheet.D": _("D Government-purchased services"),
    "sheet.E": _("E Party building"),
    "sheet.F": _("F Brand and selected projects"),
    "sheet.idle": _("Members without activity"),
    "sheet.check": _("Checks"),
}

ORGANIZATION_TYPES = {f"A.{code}": label for code, label in Organization.Type.choices}
EVENT_KINDS = {f"C.{code}": label for code, label in Event.Kind.choices}

LABELS = {
    **SHEETS,
    "A.type": _("Type"),
    "A.total": _("At the end of the period"),
    "A.new": _("New in the period"),
    "A.closed": _("Closed in the period"),
    **ORGANIZATION_TYPES,
    "A.sum": pgettext_lazy("report row", "Total"),
    "A.registered": _("Of which registered (as on the statistics page)"),
    "B.item": pgettext_lazy("report column", "Item"),
    "B.value": pgettext_lazy("report column", "Number"),
    "B.start": _("Member units at the start of the period"),
    "B.joined": _("Joined in the period"),
    "B.left": _("Suspended or withdrawn in the period"),
    "B.end": _("Member units at the end of the period"),
    "B.organization": pgettext_lazy("report column", "Organization"),
    "B.change": _("Change"),
    "B.changed_at": _("Changed at"),
    "C.kind": _("Kind"),
    "C.community": pgettext_lazy("report column", "Community"),
    "C.events": _("Events"),
    "C.participants": _("Participants"),
    "C.beneficiaries": _("Beneficiaries"),
    "C.volunteers": _("Volunteers"),
    **EVENT_KINDS,
    "C.no_community": _("No community"),
    "C.subtotal": _("Subtotal"),
    "C.sum": pgettext_lazy("report row", "Total"),
    "D.project": pgettext_lazy("report column", "Project"),
    "D.organization": pgettext_lazy("report column", "Organization"),
    "D.amount": _("Amount (yuan)"),
    "D.sum": pgettext_lazy("report row", "Total"),
    "E.item": pgettext_lazy("report column", "Item"),
    "E.value": pgettext_lazy("report column", "Number"),
    "E.members": _("Member units at the end of the period"),
    "E.with_party": _("With a party organization"),
    "E.without_party": _("Without a party organization"),
    "E.coverage": _("Coverage (%)"),
    "F.project": pgettext_lazy("report column", "Project"),
    "F.organization": pgettext_lazy("report column", "Organization"),
    "F.brand": _("Brand project"),
    "F.selected": _("Selected project"),
    "F.amount": _("Amount (yuan)"),
    "F.yes": pgettext_lazy("report cell", "Yes"),
    "idle.organization": pgettext_lazy("report column", "Organization"),
    "check.check": pgettext_lazy("report column", "Check"),
    "check.result": _("Result"),
    "check.detail": _("Detail"),
    "check.passed": _("Passed"),
    "check.failed": _("Failed"),
    "check.period": _("Period"),
    "check.template": _("Template"),
}

# Rows a template may reorder (by the position of their labels), per sheet.
ORDERED_ROWS = {
    "A": list(ORGANIZATION_TYPES),
    "B": ["B.start", "B.joined", "B.left", "B.end"],
    "C": list(EVENT_KINDS),
    "E": ["E.members", "E.with_party", "E.without_party", "E.coverage"],
}


def check_keys(keys):
    """Raise UnknownFigureKeyError for the keys the layout does not have."""
    unknown = set(keys) - set(LABELS)
    if unknown:
        raise UnknownFigureKeyError(unknown)
