"""The statistics pages' charts: figures from `figures`, drawn by `charts`, labelled for people."""

from django.utils import formats
from django.utils.translation import gettext as _

from events.models import Event, duty_proof_label
from members.models import ServiceField
from projects.models import FundingSource

from . import charts, figures


def _month_label(month):
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _in_progress_label(month):
    return _("%(month)s (in progress)") % {"month": _month_label(month)}


def public_charts(filters, communities=None, data=None):
    """The charts residents see. `communities`: every community by name, and `data`: the page's figures
    (`figures.page_figures`), when the caller has them already."""
    return _public_charts(filters, data or figures.page_figures(filters), communities)


def _public_charts(filters, data, communities):
    organizations = data["organizations"]
    members = data["members"]
    months, counts = data["events"]
    beneficiaries = data["beneficiaries"]
    communities = figures.activities_by_community(filters, communities, counts=data["community_activities"])
    by_field = data["projects_by_field"]  # (service field, projects)
    by_funding = data["projects_by_funding"]  # (funding source, amount, paid: government-purchased services only)
    month_labels = [_month_label(month) for month in months]
    used_kinds = [kind for kind in Event.Kind if any(counts.get((month, kind)) for month in months)]
    return [
        charts.line_chart(
            "members",
            _("Member units at the end of each year"),
            _(
                "Member organizations of the federation at the end of each year (today for the current year), "
                "from the membership records."
            ),
            [row["year"] for row in members],
            [(_("Member units"), [row["total"] for row in members])],
        ),
        charts.bar_chart(
            "organizations",
            _("Registered social organizations by year"),
            _(
                "Registered social organizations in the street at the end of each year (today for the current "
                "year), by registration date, with the growth on the year before. Community teams are filed, "
                "not registered."
            ),
            [row["year"] for row in organizations],
            [(_("Registered organizations"), [row["total"] for row in organizations])],
            extra_columns=[
                (_("Registered that year"), [row["registered"] for row in organizations]),
                (_("Growth (%)"), [row["growth"] for row in organizations]),
            ],
        ),
        charts.line_chart(
            "government-share",
            _("Share with a government-funded background"),
            _(
                "Per cent of the registered organizations at the end of each year (today for the current year) "
                "that have a government-funded background."
            ),
            [row["year"] for row in organizations],
            [(_("Government-funded background (%)"), [row["government_share"] for row in organizations])],
            unit="%",
        ),
        charts.bar_chart(
            "events",
            _("Events per month by kind"),
            _("Published and completed events starting in each month, by kind."),
            month_labels,
            [(str(kind.label), [counts.get((month, kind), 0) for month in months]) for kind in used_kinds]
            or [(_("Events"), [0 for _month in months])],
        ),
        charts.bar_chart(
            "beneficiaries",
            _("Beneficiaries served per month"),
            _("Residents served, from the after-event reports of the events starting in each month."),
            month_labels,
            [(_("Beneficiaries served"), [row["beneficiaries"] for row in beneficiaries])],
        ),
        charts.bar_chart(
            "fields",
            _("Projects by service field"),
            _(
                "Public-benefit projects running at some time in the year, by service field: a project counts in "
                "every year from its start to its end."
            ),
            [ServiceField.Code(field).label for field, _projects in by_field],
            [(_("Projects"), [projects for _field, projects in by_field])],
        ),
        charts.bar_chart(
            "funding",
            _("Project funding by source (yuan)"),
            _(
                "The amount of the projects running at some time in the year, by funding source; a project running "
                "over several years counts in each. Government-purchased services: the contracts signed in the year, "
                "and what was paid on contracts in the year."
            ),
            [FundingSource(source).label for source, _amount, _paid in by_funding],
            [(_("Amount (yuan)"), [amount for _source, amount, _paid in by_funding])],
            extra_columns=[(_("Paid in the year (yuan)"), [paid for _source, _amount, paid in by_funding])],
        ),
        charts.line_chart(
            "incubation",
            _("Incubation base: filed, registered, member"),
            _(
                "Community teams filed with the street in each year, organizations that graduated from the "
                "incubation base on registering, and graduates that became members of the federation."
            ),
            [row["year"] for row in data["incubation"]],
            [
                (_("Teams filed"), [row["filed"] for row in data["incubation"]]),
                (_("Graduated on registering"), [row["registered"] for row in data["incubation"]]),
                (_("Graduates that became members"), [row["members"] for row in data["incubation"]]),
            ],
        ),
        charts.bar_chart(
            "communities",
            _("Community activities per community"),
            _(
                "Community public-benefit activities held or planned in each community this year; "
                "the communities with the fewest come first."
            ),
            [row["community"].name for row in communities],
            [(_("Activities"), [row["activities"] for row in communities])],
        ),
    ]


def staff_charts(filters, communities=None, data=None):
    """The staff page: everything residents see, plus the monthly-duty compliance rate."""
    data = data or figures.page_figures(filters, with_compliance=True)
    rows = data["compliance"]
    compliance = charts.line_chart(
        "compliance",
        _("Monthly-duty compliance rate"),
        _(
            "Per cent of member organizations that held at least one community public-benefit activity "
            "with a report in each month (proof that it was held: %(proof)s). The current month is in progress: "
            "its rate is the rate so far."
        )
        % {"proof": duty_proof_label()},
        [_in_progress_label(row["month"]) if row["is_current"] else _month_label(row["month"]) for row in rows],
        [(_("Members meeting the duty (%)"), [row["rate"] for row in rows])],
        unit="%",
    )
    return [*_public_charts(filters, data, communities), compliance]


def headline_cards(headline):
    """The headline figures (`figures.headline_figures`, `figures.page_headline`) as cards (key, value, label),
    for the home page and the statistics pages."""
    share = headline["government_share"]
    this_year = headline["year"] == figures.current_year()
    year = {"year": headline["year"]}
    return [
        {"key": "members", "value": headline["members"], "label": _("member organizations")},
        {"key": "organizations", "value": headline["organizations"], "label": _("registered social organizations")},
        {
            "key": "government_share",
            "value": "—" if share is None else f"{share:g}%",
            "label": _("with a government-funded background"),
        },
        {
            "key": "projects",
            "value": headline["projects"],
            "label": _("public-benefit projects running this year")
            if this_year
            else _("public-benefit projects running in %(year)s") % year,
        },
        {
            "key": "activities",
            "value": headline["activities"],
            "label": _("community activities held this year")
            if this_year
            else _("community activities held in %(year)s") % year,
        },
        {
            "key": "beneficiaries",
            "value": headline["beneficiaries"],
            "label": _("residents served this year") if this_year else _("residents served in %(year)s") % year,
        },
    ]
