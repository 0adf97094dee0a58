"""Score math for proposals: pure functions over reviews and a call's weights, no queries.

A proposal's score is the weighted mean of its reviews: each review gives a weighted score
(Σ weight × score / Σ weight over the three criteria) and the proposal's score is the mean of
those. Missing reviews do not count as zeros: a proposal with no review has no score and is
ranked after every scored one.
"""

from dataclasses import dataclass, field
from statistics import fmean

from .models import CRITERIA, Criterion


def weighted_score(scores, weights):
    """One review's weighted score, 0–10. `scores` and `weights` map criterion → number."""
    total_weight = sum(weights[criterion] for criterion in CRITERIA)
    if total_weight <= 0:
        raise ValueError("At least one weight must be positive.")
    return sum(scores[criterion] * weights[criterion] for criterion in CRITERIA) / total_weight


@dataclass
class ScoreSummary:
    """What staff rank by and what applicants see once their proposal is decided."""

    count: int
    weighted_mean: float | None
    criterion_means: dict = field(default_factory=dict)  # criterion → mean or None
    spread: float | None = None  # highest minus lowest weighted score among the reviews
    expected: int | None = None  # reviews expected (assigned reviewers without a conflict of interest)

    @property
    def is_complete(self):
        return self.expected is not None and self.count >= self.expected

    @property
    def criterion_rows(self):
        return [(criterion.label, self.criterion_means.get(criterion)) for criterion in CRITERIA]

    def __getitem__(self, key):
        """Lets templates read criterion means by name: summary.public_benefit etc."""
        try:
            return self.criterion_means[Criterion(key)]
        except ValueError:
            raise KeyError(key) from None


def summarize(reviews, weights, *, expected=None):
    """The ScoreSummary of a proposal's reviews (any iterable of objects with a `scores` dict)."""
    reviews = list(reviews)
    if not reviews:
        return ScoreSummary(
            count=0, weighted_mean=None, criterion_means=dict.fromkeys(CRITERIA), spread=None, expected=expected
        )
    weighted = [weighted_score(review.scores, weights) for review in reviews]
    return ScoreSummary(
        count=len(reviews),
        weighted_mean=fmean(weighted),
        criterion_means={
            criterion: fmean(review.scores[criterion] for review in reviews) for criterion in CRITERIA
        },
        spread=max(weighted) - min(weighted),
        expected=expected,
    )


SORT_KEYS = {
    "weighted": lambda row: row.summary.weighted_mean,
    "public_benefit": lambda row: row.summary.criterion_means.get(CRITERIA[0]),
    "operability": lambda row: row.summary.criterion_means.get(CRITERIA[1]),
    "coverage": lambda row: row.summary.criterion_means.get(CRITERIA[2]),
    "count": lambda row: row.summary.count,
    "spread": lambda row: row.summary.spread,
    "title": lambda row: row.project.title,
}
DEFAULT_SORT = "-weighted"


@dataclass
class RankingRow:
    project: object
    summary: ScoreSummary
    rank: int | None = None  # by weighted mean, whatever the display order


def rank_proposals(proposals, weights, *, sort=DEFAULT_SORT, expected_for=None):
    """RankingRows of proposals (with their `reviews` loaded), ordered by `sort` ("-weighted", "title", …).

    Proposals without a value for the sort key always come last. `rank` numbers the scored
    proposals by weighted mean, highest first, ties sharing a rank.
    """
    rows = []
    for project in proposals:
        expected = expected_for(project) if expected_for else None
        rows.append(RankingRow(project, summarize(project.reviews.all(), weights, expected=expected)))

    by_score = sorted((row for row in rows if row.summary.weighted_mean is not None),
                      key=lambda row: -row.summary.weighted_mean)
    previous, previous_rank = None, 0
    for position, row in enumerate(by_score, start=1):
        if previous is None or round(row.summary.weighted_mean, 6) != round(previous, 6):
            previous_rank = position
        row.rank, previous = previous_rank, row.summary.weighted_mean

    descending = sort.startswith("-")
    key_name = sort.lstrip("-")
    if key_name not in SORT_KEYS:
        key_name, descending = DEFAULT_SORT.lstrip("-"), True
    key = SORT_KEYS[key_name]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    present.sort(key=lambda row: (key(row), row.project.title), reverse=descending)
    return present + sorted(missing, key=lambda row: row.project.title)
