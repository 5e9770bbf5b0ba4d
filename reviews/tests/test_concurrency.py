"""Racing on one review link: exactly one review results, on PostgreSQL and SQLite.

Real threads, each with its own connection (see assessments/tests/test_concurrency.py, whose
thread runner these tests reuse).
"""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from assessments.tests.factories import submitted_for
from assessments.tests.test_concurrency import run_threads
from reviews import services
from reviews.models import Review, ReviewRating, ReviewRequest
from reviews.services import ReviewRatingInput
from reviews.tests.factories import link_for
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def made(transactional_db):
    """A review request by link and the path it opens."""
    owner = UserFactory(username="owner")
    return link_for(submitted_for(owner, make_role(required=4, differentiating=1, title="Race Reviewer")))


@pytest.fixture
def link(made):
    return made[0]


def take(review_request, user):
    def run():
        try:
            review, created = services.take_request(
                review_request=ReviewRequest.objects.get(pk=review_request.pk), user=user
            )
        except services.LinkUsed:
            return "refused"
        return "took" if created else "again"

    return run


def test_several_reviewers_taking_one_link_at_once_make_exactly_one_review(link):
    reviewers = [UserFactory(username=f"reviewer{i}") for i in range(4)]
    outcomes = run_threads([take(link, user) for user in reviewers])
    assert sorted(outcomes) == ["refused", "refused", "refused", "took"]
    review = Review.objects.get()
    link.refresh_from_db()
    assert link.reviewer_id == review.reviewer_id == reviewers[outcomes.index("took")].pk


def test_one_reviewer_double_clicking_the_link_gets_one_review(link):
    carol = UserFactory(username="carol")
    outcomes = run_threads([take(link, carol) for _ in range(3)])
    assert sorted(outcomes) == ["again", "again", "took"]
    assert Review.objects.count() == 1


def test_two_submissions_of_one_review_racing_submit_it_once(link):
    carol = UserFactory(username="carol")
    review, _ = services.take_request(review_request=link, user=carol)
    services.save_review(review=review, ratings=[ReviewRatingInput(slug, 2) for slug in link.skills])

    def submit():
        return services.submit_review(review=Review.objects.get(pk=review.pk))[1]

    assert sorted(run_threads([submit, submit, submit])) == [False, False, True]
    assert Review.objects.get().is_submitted
    assert ReviewRating.objects.count() == len(link.skills)


def test_two_people_posting_the_link_over_http_at_once_make_one_review(made):
    people = [UserFactory(username="dave"), UserFactory(username="erin")]
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)

    def post(client):
        return lambda: client.post(made[1]).status_code

    codes = run_threads([post(c) for c in clients])
    assert sorted(codes) == [302, 410]
    assert Review.objects.count() == 1
