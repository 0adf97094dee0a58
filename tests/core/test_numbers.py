import pytest

from core.numbers import percentages


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 1, 1], [34, 33, 33]),  # the largest remainders tie: the first ones get the missing point
        ([1, 1, 1, 1, 1, 1], [17, 17, 17, 17, 16, 16]),
        ([2, 1, 1], [50, 25, 25]),
        ([1, 1, 4], [17, 17, 66]),
        ([7], [100]),
        ([0, 5], [0, 100]),
        ([0, 0], [0, 0]),
        ([], []),
    ],
)
def test_percentages_add_up_to_100(values, expected):
    assert percentages(values) == expected
    if sum(values):
        assert sum(percentages(values)) == 100


def test_every_share_is_within_one_point_of_its_exact_value():
    values = [13, 29, 31, 37, 41]
    for value, percent in zip(values, percentages(values), strict=True):
        assert abs(percent - 100 * value / sum(values)) < 1
