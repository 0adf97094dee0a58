"""The reporting pack of a period: its sheets A–F from stats.figures (the same functions as /staff/stats/), the
checks the receiving systems run, and the workbook (core.spreadsheets)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.spreadsheets import write_workbook
from members.models import Membership
from stats import figures

from . import layout


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


def _ordered(keys, labels):
    return sorted(keys, key=lambda key: labels[key][1])


def sheets(data, labels):
    """The sheets A–F and the members without activity: (key, header, rows) each, from `figures.period_figures`."""
    label = {key: value for key, (value, _position) in labels.items()}
    organizations, members, activities = data["organizations"], data["members"], data["activities"]
    by_type = {f"A.{row['type']}": row for row in organizations["rows"]}
    columns = ("total", "new", "closed")
    sheet_a = [[label[key], *(by_type[key][column] for column in columns)] for key in _ordered(by_type, labels)]
    sheet_a.append([label["A.sum"], *(organizations["total"][column] for column in columns)])
    sheet_a.append([label["A.registered"], organizations["registered"], "", ""])

    values_b = {"B.start": members["start"], "B.joined": members["joined"], "B.left": members["left"],
                "B.end": members["end"]}
    sheet_b = [[label[key], values_b[key]] for key in _ordered(values_b, labels)]
    if members["changes"]:
        sheet_b.append([])
        sheet_b.append([label["B.organization"], label["B.change"], label["B.changed_at"]])
        statuses = dict(Membership.Status.choices)
        sheet_b += [
            [change["organization"], f"{statuses.get(change['from_status'], '')} → {statuses[change['to_status']]}",
             change["changed_at"]]
            for change in members["changes"]
        ]

    measures = ("events", "participants", "beneficiaries", "volunteers")
    sheet_c = []
    for key in _ordered(layout.EVENT_KINDS, labels):
        kind = key.removeprefix("C.")
        rows = [row for row in activities["rows"] if row["kind"] == kind]
        if not rows:
            continue
        for row in rows:
            community = row["community_name"] if row["community"] is not None else label["C.no_community"]
            sheet_c.append([label[key], community, *(row[measure] for measure in measures)])
        sheet_c.append([label[key], label["C.subtotal"], *(activities["kinds"][kind][measure] for measure in measures)])
    sheet_c.append([label["C.sum"], "", *(
        sum(totals[measure] for totals in activities["kinds"].values()) for measure in measures
    )])

    government = data["government"]
    sheet_d = [[row["project"], row["organization"], row["amount"]] for row in government["rows"]]
    sheet_d.append([label["D.sum"], government["projects"], government["amount"]])

    party = data["party"]
    values_e = {"E.members": party["members"], "E.with_party": party["with_party"],
                "E.without_party": party["without_party"], "E.coverage": party["coverage"]}
    sheet_e = [[label[key], values_e[key]] for key in _ordered(values_e, labels)]

    yes = label["F.yes"]
    sheet_f = [
        [row["project"], row["organization"], yes if row["is_brand"] else "", yes if row["is_selected"] else "",
         row["amount"]]
        for row in data["projects"]["rows"]
    ]
    return [
        ("sheet.A", [label["A.type"], label["A.total"], label["A.new"], label["A.closed"]], sheet_a),
        ("sheet.B", [label["B.item"], label["B.value"]], sheet_b),
        ("sheet.C", [label[key] for key in ("C.kind", "C.community", *(f"C.{m}" for m in measures))], sheet_c),
        ("sheet.D", [label["D.project"], label["D.organization"], label["D.amount"]], sheet_d),
        ("sheet.E", [label["E.item"], label["E.value"]], sheet_e),
        ("sheet.F", [label[key] for key in ("F.project", "F.organization", "F.brand", "F.selected", "F.amount")],
         sheet_f),
        ("sheet.idle", [label["idle.organization"]], [[name] for name in data["idle"]]),
    ]


def _numbers(data):
    """Every figure of the pack with where it is: (place, value)."""
    organizations, activities = data["organizations"], data["activities"]
    for row in organizations["rows"]:
        for column in ("total", "new", "closed"):
            yield f"A {row['label']} {column}", row[column]
    yield "A registered", organizations["registered"]
    for column in ("start", "joined", "left", "end"):
        yield f"B {column}", data["members"][column]
    for row in activities["rows"]:
        for measure in ("events", "participants", "beneficiaries", "volunteers"):
            yield f"C {row['kind']} {row['community_name'] or '-'} {measure}", row[measure]
    for row in data["government"]["rows"]:
        yield f"D {row['project']}", row["amount"]
    for column in ("members", "with_party", "without_party"):
        yield f"E {column}", data["party"][column]


def checks(data):
    """What the receiving systems check before they accept a report: totals equal the sum of their parts (the
    types, the communities, the projects, party coverage), no figure negative or missing, every completed event
    reported; and the members without activity, listed on a sheet of their own."""
    found = []
    organizations = data["organizations"]
    for column in ("total", "new", "closed"):
        parts = sum(row[column] for row in organizations["rows"])
        total = organizations["total"][column]
        found.append(Check(
            _("A: the types add up to the total (%(column)s)") % {"column": layout.LABELS[f"A.{column}"]},
            parts == total,
            _("%(parts)s by type, %(total)s in total") % {"parts": parts, "total": total},
        ))
    registered = sum(row["total"] for row in organizations["rows"] if row["type"] in figures.REGISTERED_TYPES)
    found.append(Check(
        _("A: registered organizations equal the statistics page's"), registered == organizations["registered"],
        _("%(parts)s by type, %(total)s in total") % {"parts": registered, "total": organizations["registered"]},
    ))
    activities = data["activities"]
    for kind, totals in sorted(activities["kinds"].items()):
        for measure, total in totals.items():
            parts = sum(row[measure] for row in activities["rows"] if row["kind"] == kind)
            if parts != total:
                found.append(Check(
                    _("C: the communities add up to the kind's subtotal"), False,
                    _("%(kind)s, %(measure)s: %(parts)s by community, %(total)s in total")
                    % {"kind": layout.LABELS[f"C.{kind}"], "measure": layout.LABELS[f"C.{measure}"], "parts": parts,
                       "total": total},
                ))
    if all(check.passed for check in found if check.name.startswith("C")):
        found.append(Check(_("C: the communities add up to the kind's subtotal"), True))
    government = data["government"]
    amounts = sum(row["amount"] for row in government["rows"])
    found.append(Check(
        _("D: the projects add up to the total"),
        amounts == government["amount"] and len(government["rows"]) == government["projects"],
        _("%(parts)s by project, %(total)s in total") % {"parts": amounts, "total": government["amount"]},
    ))
    party = data["party"]
    found.append(Check(
        _("E: with and without a party organization add up to the member units"),
        party["with_party"] + party["without_party"] == party["members"] == data["members"]["end"],
        _("%(with)s + %(without)s, %(members)s members")
        % {"with": party["with_party"], "without": party["without_party"], "members": data["members"]["end"]},
    ))
    negative = [place for place, value in _numbers(data) if value is not None and value < 0]
    missing = [place for place, value in _numbers(data) if value is None]
    found.append(Check(_("No negative figure"), not negative, "; ".join(negative)))
    found.append(Check(_("No missing figure"), not missing, "; ".join(missing)))
    unreported = activities["unreported"]
    found.append(Check(
        _("Every completed event has its after-event report (participants)"), not unreported,
        "; ".join(f"{event.starts_at:%Y-%m-%d} {event.title}" for event in unreported),
    ))
    found.append(Check(
        _("Members without a community activity in the period"), True,
        _("%(count)s, listed on their own sheet") % {"count": len(data["idle"])},
    ))
    return found


def workbook(data, template, labels, found):
    """The pack's bytes: sheets A–F, the members without activity and the checks ("校验")."""
    label = {key: value for key, (value, _position) in labels.items()}
    result = {True: label["check.passed"], False: label["check.failed"]}
    check_rows = [
        [label["check.period"], str(data["period"]), ""],
        [label["check.template"], template.name, ""],
        *([check.name, result[check.passed], check.detail] for check in found),
    ]
    return write_workbook([
        *((label[key], header, rows) for key, header, rows in sheets(data, labels)),
        (label["sheet.check"], [label["check.check"], label["check.result"], label["check.detail"]], check_rows),
    ])
