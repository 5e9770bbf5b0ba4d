"""Comparing a self-rating with a reviewer's: plain functions over plain data, no database.

- `agreement(pairs)`: how many skills the two ratings agree on. Two ratings *agree* when they are
  at most one level apart; a difference of `FLAG_AT` (2) levels or more is a disagreement, which
  the compare page flags. The mean difference is self minus reviewer, so a positive number means
  the person rated themselves higher than the reviewer did.
- `agreement_by_category(pairs)`: the same per skill category, in the order categories first appear.
- `tendencies(reviews)`: across at least `MIN_REVIEWS` reviews, the mean of (self - reviewer) per
  category over every rated pair, rounded to one decimal place (half away from zero), for the
  sentence "on MLOps skills you rate yourself 0.8 levels above your reviewers".
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FLAG_AT = 2  # a difference of this many levels or more is flagged
MIN_REVIEWS = 2  # tendencies need at least this many reviews
GENERAL = "General"  # the category of a skill that has none


@dataclass(frozen=True)
class Pair:
    """One skill rated by both sides."""

    skill: str
    category: str
    self_level: int
    reviewer_level: int

    @property
    def difference(self):
        """Self minus reviewer: positive when the person rated themselves higher."""
        return self.self_level - self.reviewer_level

    @property
    def distance(self):
        return abs(self.difference)

    @property
    def flagged(self):
        return self.distance >= FLAG_AT


@dataclass(frozen=True)
class Agreement:
    skills: int
    agreeing: int  # at most one level apart
    same: int  # exactly the same level
    mean_difference: Decimal | None  # self - reviewer, one decimal place; None without skills

    @property
    def percent(self):
        """Share of skills that agree, a whole percentage (None without skills)."""
        if not self.skills:
            return None
        return int((Decimal(100 * self.agreeing) / self.skills).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def disagreeing(self):
        return self.skills - self.agreeing


@dataclass(frozen=True)
class Tendency:
    category: str
    mean_difference: Decimal  # self - reviewer, one decimal place
    pairs: int
    reviews: int

    @property
    def sentence(self):
        name = self.category or GENERAL
        amount = abs(self.mean_difference)
        if amount == 0:
            return f"On {name} skills you rate yourself the same as your reviewers, on average."
        unit = "level" if amount == 1 else "levels"
        side = "above" if self.mean_difference > 0 else "below"
        return f"On {name} skills you rate yourself {amount} {unit} {side} your reviewers."


def _mean(values):
    values = list(values)
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def agreement(pairs):
    pairs = list(pairs)
    return Agreement(
        skills=len(pairs),
        agreeing=sum(1 for p in pairs if not p.flagged),
        same=sum(1 for p in pairs if p.difference == 0),
        mean_difference=_mean(p.difference for p in pairs),
    )


def _by_category(pairs):
    groups = {}
    for pair in pairs:
        groups.setdefault(pair.category or GENERAL, []).append(pair)
    return groups


def agreement_by_category(pairs):
    """{category: Agreement}, categories in the order they first appear."""
    return {category: agreement(group) for category, group in _by_category(pairs).items()}


def flagged(pairs):
    return [p for p in pairs if p.flagged]


def tendencies(reviews, *, min_reviews=MIN_REVIEWS):
    """Per category, the mean of self - reviewer over all reviews' pairs.

    `reviews` is a list with one list of `Pair`s per review. Nothing is said with fewer than
    `min_reviews` reviews, and a category is included only when at least `min_reviews` reviews
    rated one of its skills (one reviewer's view is not a tendency).
    """
    reviews = [list(r) for r in reviews if r]
    if len(reviews) < min_reviews:
        return []
    pairs_by_category, reviews_by_category = {}, {}
    for pairs in reviews:
        for category, group in _by_category(pairs).items():
            pairs_by_category.setdefault(category, []).extend(group)
            reviews_by_category[category] = reviews_by_category.get(category, 0) + 1
    return [
        Tendency(
            category=category,
            mean_difference=_mean(p.difference for p in group),
            pairs=len(group),
            reviews=reviews_by_category[category],
        )
        for category, group in pairs_by_category.items()
        if reviews_by_category[category] >= min_reviews
    ]
