"""Giving a second opinion: the review in the self-assessment's steps, "I haven't seen this", a
refusal that names what is missing, and the compare page's order (disagreements first)."""

import pytest
from django.urls import reverse

from assessments.steps import build_steps
from assessments.tests.factories import submitted_for
from reviews import calibration, selectors, services
from reviews.models import Review, ReviewRating
from reviews.views import StepItem
from roles.tests.factories import make_role

from .factories import request_for, review_of
from .test_views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_role(db):
    """Eleven required skills and three differentiating ones: several steps (assessments.steps)."""
    return make_role(required=11, differentiating=3, title="Platform Lead")


@pytest.fixture
def big_submitted(alice, big_role):
    return submitted_for(alice, big_role)


@pytest.fixture
def carols_big_draft(big_submitted, carol):
    review, _ = services.take_request(review_request=request_for(big_submitted), user=carol)
    return review


def expected_steps(assessment):
    """The steps the self-assessment's rule makes of the assessment's (frozen) skills."""
    return build_steps([StepItem(meta) for meta in assessment.snapshot["skills"]])


def page_url(review, step=None):
    url = reverse("reviews:review", args=[review.pk])
    return url if step is None else f"{url}?step={step}"


def radios_on(body):
    return body.count('type="radio"')


def test_the_review_is_split_into_the_assessments_steps_with_progress(carol, big_submitted, carols_big_draft):
    steps = expected_steps(big_submitted)
    assert len(steps) > 2, "the role is big enough for several steps"
    client = client_for(carol)
    for step in steps:
        body = client.get(page_url(carols_big_draft, step.number)).content.decode()
        assert f"Step <strong>{step.number} of {len(steps)}</strong>" in body
        shown = [s["slug"] for s in big_submitted.snapshot["skills"] if f'data-skill="{s["slug"]}"' in body]
        assert shown == [item.skill_id for item in step.items]
        assert radios_on(body) == 7 * len(step.items)
        assert ("Submit review" in body) is (step.number == len(steps))


def test_a_step_the_review_does_not_have_is_a_404(carol, carols_big_draft, big_submitted):
    client = client_for(carol)
    last = len(expected_steps(big_submitted))
    for bad in ("0", str(last + 1), "two", "-1"):
        assert client.get(page_url(carols_big_draft, bad)).status_code == 404


def test_without_javascript_a_step_saves_and_moves_on_and_back(carol, big_submitted, carols_big_draft):
    steps = expected_steps(big_submitted)
    first, second = steps[0].items, steps[1].items
    client = client_for(carol)
    post = {f"level-{item.skill_id}": "3" for item in first} | {"continue": "1"}
    response = client.post(page_url(carols_big_draft, 1), post)
    assert response["Location"] == page_url(carols_big_draft, 2)
    assert set(ReviewRating.objects.values_list("skill_slug", flat=True)) == {i.skill_id for i in first}
    response = client.post(page_url(carols_big_draft, 2), {f"level-{second[0].skill_id}": "unseen", "back": "1"})
    assert response["Location"] == page_url(carols_big_draft, 1)
    assert ReviewRating.objects.get(skill_slug=second[0].skill_id).not_seen
    # Coming back without a step opens the first step with an unanswered skill.
    body = client.get(page_url(carols_big_draft)).content.decode()
    assert f'data-skill="{second[1].skill_id}"' in body


def test_i_havent_seen_this_is_stored_as_no_level_not_a_zero(carol, carols_big_draft, big_submitted):
    slug = big_submitted.snapshot["skills"][0]["slug"]
    response = client_for(carol).post(
        reverse("reviews:rate", args=[carols_big_draft.pk]), {"skill": slug, "level": "unseen"}
    )
    assert response.status_code == 200 and response.json()["saved"] and response.json()["rated"] == 1
    rating = ReviewRating.objects.get()
    assert rating.not_seen and rating.level is None
    body = client_for(carol).get(page_url(carols_big_draft, 1)).content.decode()
    assert 'value="unseen" checked' in body


def test_not_seen_counts_in_no_number_of_compare_calibration_or_the_report(alice, submitted, carol, slugs):
    # alice rated 3, 3, 1, 2; carol rates 1 (2 below), has not seen slugs[1] and slugs[2], agrees on slugs[3]
    review = review_of(submitted, carol, levels={slugs[0]: 1, slugs[3]: 2}, not_seen=(slugs[1], slugs[2]))
    pairs = selectors.pairs_for(review)
    assert [p.skill for p in pairs] == [slugs[0], slugs[3]]
    assert calibration.agreement(pairs).skills == 2
    assert selectors.reviewer_levels(submitted) == {slugs[0]: 1, slugs[3]: 2}
    on_reviewer = selectors.ratings_on_basis(submitted, selectors.Basis.REVIEWER)
    assert on_reviewer[slugs[1]] == 3 and on_reviewer[slugs[2]] == 1  # their own rating stays
    data = selectors.comparison(review)
    names = {s["slug"]: s["name"] for s in submitted.snapshot["skills"]}
    assert data["not_seen"] == [names[slugs[1]], names[slugs[2]]]
    body = client_for(alice).get(reverse("reviews:compare", args=[review.pk])).content.decode()
    assert f"<strong>{calibration.agreement(pairs).agreeing} of 2</strong>" in body
    assert 'data-testid="not-seen"' in body and names[slugs[1]] in body
    shared = selectors.shared_opinions(submitted)[0]["rows"]
    assert [r["not_seen"] for r in shared] == [False, True, True, False]


def test_submitting_with_unanswered_skills_names_them_and_links_to_each_ones_step(
    carol, big_submitted, carols_big_draft
):
    steps = expected_steps(big_submitted)
    skipped = [steps[0].items[1], steps[-2].items[0]]
    answers = [
        services.ReviewRatingInput(skill_slug=item.skill_id, level=2)
        for step in steps
        for item in step.items
        if item not in skipped
    ]
    services.save_review(review=carols_big_draft, ratings=answers)
    client = client_for(carol)
    response = client.post(page_url(carols_big_draft, len(steps)), {"submit": "1"})
    assert response["Location"] == page_url(carols_big_draft, len(steps)) + "#unanswered"
    assert not Review.objects.get().is_submitted
    page = client.get(response["Location"]).content.decode()
    for item in skipped:
        assert item.skill.name in page
        step = next(s for s in steps if item in s.items)
        assert f'href="{page_url(carols_big_draft, step.number)}#skill-{item.skill_id}"' in page
    assert "Still unanswered (2)" in page


def test_every_skill_answered_with_some_not_seen_submits(carol, submitted, slugs):
    review = review_of(submitted, carol, submit=False, not_seen=(slugs[0],))
    assert services.submit_review(review=review)[1]
    body = client_for(carol).get(page_url(review)).content.decode()
    assert "<td>Haven't seen this</td>" in body


def test_compare_shows_disagreements_largest_first_then_the_agreements_collapsed(alice, carol, big_submitted):
    skills = [s["slug"] for s in big_submitted.snapshot["skills"]]
    mine = selectors.self_levels(big_submitted)
    # the reviewer's level: 5 above or below alice's where possible, so differences vary from 0 to 4
    theirs = {slug: (mine[slug] + i) % 6 for i, slug in enumerate(skills)}
    review = review_of(big_submitted, carol, levels=theirs)
    pairs = selectors.pairs_for(review)
    order = {slug: i for i, slug in enumerate(skills)}
    flagged = sorted(calibration.flagged(pairs), key=lambda p: (-p.distance, order[p.skill]))
    agreeing = [p for p in sorted(pairs, key=lambda p: order[p.skill]) if not p.flagged]
    assert flagged and agreeing
    body = client_for(alice).get(reverse("reviews:compare", args=[review.pk])).content.decode()
    before, collapsed = body.split('data-testid="agreements"')
    shown_first = [p.skill for p in flagged]
    assert _rows_in(before) == shown_first
    assert _rows_in(collapsed) == [p.skill for p in agreeing]
    assert before.endswith('<details class="mb-3" ')  # collapsed: no "open"


def _rows_in(html):
    marker = 'data-testid="compare-row" data-skill="'
    return [part.split('"', 1)[0] for part in html.split(marker)[1:]]
