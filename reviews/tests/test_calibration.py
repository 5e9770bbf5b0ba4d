"""The pure comparison maths, checked against examples worked by hand. No database."""

from decimal import Decimal

from reviews.calibration import Pair, agreement, agreement_by_category, flagged, tendencies


def p(skill, category, mine, theirs):
    return Pair(skill=skill, category=category, self_level=mine, reviewer_level=theirs)


# Four skills, worked by hand:
#   a MLOps   self 4 reviewer 2 -> +2 (flagged: 2 apart)
#   b MLOps   self 3 reviewer 3 ->  0 (same)
#   c Data    self 1 reviewer 2 -> -1 (agree: one apart)
#   d Data    self 5 reviewer 1 -> +4 (flagged)
PAIRS = [p("a", "MLOps", 4, 2), p("b", "MLOps", 3, 3), p("c", "Data", 1, 2), p("d", "Data", 5, 1)]


def test_agreement_counts_skills_at_most_one_level_apart():
    result = agreement(PAIRS)
    assert (result.skills, result.agreeing, result.same, result.disagreeing) == (4, 2, 1, 2)
    assert result.percent == 50
    # (2 + 0 - 1 + 4) / 4 = 5/4 = 1.25 -> 1.3 (half away from zero)
    assert result.mean_difference == Decimal("1.3")


def test_a_difference_of_exactly_two_is_flagged_and_one_is_not():
    assert [x.skill for x in flagged(PAIRS)] == ["a", "d"]
    assert not p("x", "", 3, 2).flagged
    assert p("x", "", 0, 2).flagged  # below as well as above


def test_agreement_per_category_keeps_the_order_categories_appear_in():
    result = agreement_by_category(PAIRS)
    assert list(result) == ["MLOps", "Data"]
    assert (result["MLOps"].agreeing, result["MLOps"].skills, result["MLOps"].mean_difference) == (1, 2, Decimal("1.0"))
    # Data: (-1 + 4) / 2 = 1.5
    assert (result["Data"].agreeing, result["Data"].mean_difference) == (1, Decimal("1.5"))


def test_agreement_of_nothing_has_no_percent_or_mean():
    result = agreement([])
    assert result.percent is None and result.mean_difference is None


def test_a_skill_without_a_category_counts_as_general():
    assert list(agreement_by_category([p("x", "", 2, 2)])) == ["General"]


def test_one_review_says_nothing_about_a_tendency():
    assert tendencies([PAIRS]) == []


def test_tendency_is_the_mean_of_self_minus_reviewer_over_all_reviews_per_category():
    # Review 1: MLOps +2, 0; Data -1, +4.   Review 2: MLOps +1, +1; Data 0.
    second = [p("a", "MLOps", 4, 3), p("b", "MLOps", 3, 2), p("c", "Data", 1, 1)]
    result = {t.category: t for t in tendencies([PAIRS, second])}
    # MLOps: (2 + 0 + 1 + 1) / 4 = 1.0 ; Data: (-1 + 4 + 0) / 3 = 1.0
    assert result["MLOps"].mean_difference == Decimal("1.0")
    assert (result["MLOps"].pairs, result["MLOps"].reviews) == (4, 2)
    assert result["Data"].mean_difference == Decimal("1.0")
    assert result["MLOps"].sentence == "On MLOps skills you rate yourself 1.0 level above your reviewers."


def test_the_issue_example_reads_0_8_levels_above():
    # Five MLOps pairs over two reviews: +1, +1, +1, +1, 0 -> 4/5 = 0.8
    one = [p("a", "MLOps", 3, 2), p("b", "MLOps", 3, 2), p("c", "MLOps", 3, 3)]
    two = [p("a", "MLOps", 4, 3), p("b", "MLOps", 2, 1)]
    (tendency,) = tendencies([one, two])
    assert tendency.mean_difference == Decimal("0.8")
    assert tendency.sentence == "On MLOps skills you rate yourself 0.8 levels above your reviewers."


def test_below_and_level_with_reviewers_read_as_such():
    below = tendencies([[p("a", "Cloud", 1, 3)], [p("a", "Cloud", 2, 3)]])
    # (-2 - 1) / 2 = -1.5
    assert below[0].sentence == "On Cloud skills you rate yourself 1.5 levels below your reviewers."
    same = tendencies([[p("a", "Cloud", 3, 4)], [p("a", "Cloud", 4, 3)]])
    assert same[0].sentence == "On Cloud skills you rate yourself the same as your reviewers, on average."


def test_a_category_rated_in_only_one_review_is_left_out():
    result = tendencies([[p("a", "MLOps", 3, 2), p("z", "Security", 5, 1)], [p("a", "MLOps", 3, 3)]])
    assert [t.category for t in result] == ["MLOps"]


def test_empty_reviews_do_not_count_towards_the_minimum():
    assert tendencies([[p("a", "MLOps", 3, 2)], []]) == []
