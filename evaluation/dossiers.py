"""A dossier as its pages show it: the scheme's areas, each with its leaves in order, each leaf with its entry,
its form (when one is being filled in) and the evidence the portal found for it. A fixed number of queries."""

from dataclasses import dataclass, field

from .evidence import findings_for
from .models import ZERO, Entry


@dataclass
class Row:
    entry: Entry
    path: str  # "item › leaf" under the area
    form: object = None
    finding: object = None
    order: list = field(default_factory=list)

    @property
    def indicator(self):
        return self.entry.indicator


@dataclass
class Area:
    indicator: object
    rows: list = field(default_factory=list)

    @property
    def max_points(self):
        return sum((row.indicator.max_points for row in self.rows), ZERO)

    @property
    def self_total(self):
        return sum((row.entry.self_score or ZERO for row in self.rows), ZERO)

    @property
    def total(self):
        return sum((row.entry.score or ZERO for row in self.rows), ZERO)


def entries_of(dossier):
    return dossier.entries.select_related("indicator").order_by("indicator__position", "indicator__code", "pk")


def sections(dossier, forms=None, *, with_evidence=True):
    """[Area] of the dossier. `forms`: a formset over `entries_of(dossier)`, matched to its entries."""
    indicators = {i.pk: i for i in dossier.cycle.scheme.indicators.all()}
    form_of = {form.instance.pk: form for form in forms} if forms is not None else {}
    entries = [form.instance for form in forms] if forms is not None else list(entries_of(dossier))
    findings = findings_for(dossier, [e.indicator.evidence for e in entries]) if with_evidence else {}
    areas = {}
    for entry in entries:
        chain, node = [], indicators.get(entry.indicator_id, entry.indicator)
        while node.parent_id:
            node = indicators[node.parent_id]
            chain.append(node)
        area_indicator = chain[-1] if chain else entry.indicator
        titles = [n.title for n in reversed(chain[:-1])] + [entry.indicator.title]
        area = areas.setdefault(area_indicator.pk, Area(area_indicator))
        row = Row(entry, " › ".join(titles), form_of.get(entry.pk), findings.get(entry.indicator.evidence))
        leaf = entry.indicator
        row.order = [(n.position, n.code) for n in reversed(chain)] + [(leaf.position, leaf.code)]
        area.rows.append(row)
    for area in areas.values():
        area.rows.sort(key=lambda row: row.order)  # the tree's order: item by item, leaf by leaf
    return sorted(areas.values(), key=lambda a: (a.indicator.position, a.indicator.code))
