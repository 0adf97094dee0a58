"""Score math for proposals: pure functions over reviews and a call's weights, no queries.
(ProjectQuerySet.with_scores() computes the same figures in the database for the ranking.)

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


@dataclass
class RankingRow:
    project: object
    summary: ScoreSummary
    rank: int | None = None  # by weighted mean, whatever the display order


def ranking_row(project, reviewer_organization_ids):
    """The RankingRow of a proposal annotated by ProjectQuerySet.ranked(); unscored proposals have no rank.

    `reviewer_organization_ids` has one entry per reviewer assigned to the call (Call.reviewer_organization_ids):
    reviewers with a conflict of interest (Project.conflicts_with) owe the proposal no review.
    """
    expected = sum(1 for organization_id in reviewer_organization_ids if not project.conflicts_with(organization_id))
    summary = ScoreSummary(
        count=project.review_count,
        weighted_mean=project.weighted_mean,
        criterion_means={criterion: getattr(project, f"mean_{criterion.value}") for criterion in CRITERIA},
        spread=project.spread,
        expected=expected,
    )
    return RankingRow(project, summary, rank=project.rank if project.weighted_mean is not None else None)
