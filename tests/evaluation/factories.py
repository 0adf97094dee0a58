"""Evaluation test data: a small scheme (one area, two leaves: 60 + 40 points; 3A ≥ 85, 2A ≥ 70, 1A ≥ 50), a cycle
opened on it through the service, the default schemes when a test needs the real ones."""

from datetime import date, timedelta

from django.utils import timezone

from evaluation import services
from evaluation.models import Evidence, Scheme
from evaluation.schemes import build_scheme

SMALL_TREE = [
    ("1", "Work", 100, "", "", [
        ("1.1", "Monthly activities", 60, Evidence.MONTHLY_DUTY, "At least one a month.", []),
        ("1.2", "Residents' ratings", 40, Evidence.FEEDBACK, "", []),
    ]),
]


def small_scheme(kind=Scheme.Kind.GRADE, name="Small scheme", thresholds=None):
    return build_scheme(
        name, kind, SMALL_TREE, thresholds or {3: 85, 2: 70, 1: 50}, validity_years=5,
        eligibility=["Missed the annual inspection"],
    )


def open_small_cycle(organizations, *, scheme=None, acting_user=None, deadline=None, name="Cycle 2026"):
    return services.open_cycle(
        scheme or small_scheme(), name=name, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        deadline=deadline or timezone.now() + timedelta(days=10), organizations=organizations,
        acting_user=acting_user,
    )


def entries(dossier):
    return {entry.indicator.code: entry for entry in dossier.entries.select_related("indicator")}


def assess(dossier, assessor, scores, finish=True):
    """The assessor's scores by leaf code; a deduction gets a reason."""
    by_code = entries(dossier)
    services.record_assessment(
        dossier, [(by_code[code], score, "Incomplete evidence.") for code, score in scores.items()],
        acting_user=assessor, finish=finish,
    )
    dossier.refresh_from_db()
    return dossier
