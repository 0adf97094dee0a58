"""Schemes as data: totals, thresholds (both local threshold sets), labels, the tree of the default scheme, validity."""

import datetime
from decimal import Decimal

import pytest

from evaluation.models import Scheme, add_years
from evaluation.schemes import GRADE_SCHEME, install_default_schemes
from tests.evaluation.factories import small_scheme

pytestmark = pytest.mark.django_db


def test_the_default_scheme_follows_the_national_structure_with_1000_points():
    grade, stars = install_default_schemes()
    assert grade.name == GRADE_SCHEME and grade.kind == Scheme.Kind.GRADE and grade.validity_years == 5
    areas = list(grade.indicators.filter(parent=None).values_list("title", flat=True))
    assert areas == ["基础条件", "内部治理", "工作绩效", "社会评价"]
    assert grade.total_points() == 1000
    assert stars.kind == Scheme.Kind.STARS and stars.total_points() == 100
    assert install_default_schemes() == (grade, stars)  # once


@pytest.mark.parametrize(
    ("thresholds", "points", "label"),
    [
        ({5: 950, 4: 900, 3: 850, 2: 800}, 949, "4A"),
        ({5: 950, 4: 900, 3: 850, 2: 800}, 850, "3A"),
        ({5: 950, 4: 900, 3: 850, 2: 800}, 799, "—"),
        ({5: 900, 4: 800, 3: 700, 2: 600}, 850, "4A"),
        ({5: 900, 4: 800, 3: 700, 2: 600}, 600, "2A"),
    ],
)
def test_both_districts_threshold_sets_can_be_expressed(thresholds, points, label):
    scheme = small_scheme(thresholds=thresholds)
    assert scheme.label_of(scheme.level_for(Decimal(points))) == label


def test_a_star_scheme_labels_its_levels_with_stars():
    scheme = small_scheme(kind=Scheme.Kind.STARS, name="Stars")
    assert scheme.label_of(scheme.level_for(Decimal(90))) == "★★★"


def test_a_result_is_valid_whole_years_from_the_day():
    assert add_years(datetime.date(2026, 11, 20), 5) == datetime.date(2031, 11, 20)
    assert add_years(datetime.date(2028, 2, 29), 5) == datetime.date(2033, 2, 28)


def test_a_scheme_is_in_use_once_a_cycle_is_opened_on_it(cycle):
    assert cycle.scheme.is_in_use
    assert not small_scheme(name="Unused").is_in_use
