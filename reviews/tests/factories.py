"""Test data for second opinions, built through the same services production uses."""

from accounts.tests.factories import UserFactory
from reviews import services
from reviews.models import review_link_path
from reviews.services import ReviewRatingInput


def link_for(assessment, *, skills=None, show_evidence=False, display_name="Alice A."):
    """A review request by link, made as the owner's page makes it: (request, the path its link opens)."""
    review_request, token = services.request_review(
        assessment=assessment, display_name=display_name, skills=skills, show_evidence=show_evidence
    )
    return review_request, review_link_path(token)


def request_for(assessment, **options):
    """A review request by link (its link unused: see `link_for`)."""
    return link_for(assessment, **options)[0]


def review_of(
    assessment,
    reviewer=None,
    *,
    levels=None,
    level=2,
    comments=None,
    submit=True,
    skills=None,
    review_request=None,
    not_seen=(),
):
    """A review of `assessment` by `reviewer` (a new user by default), through `review_request` (by
    default a new link): every requested skill rated `level` except those in `levels`, and those in
    `not_seen` answered "I haven't seen this"; submitted unless `submit=False`."""
    reviewer = reviewer or UserFactory()
    review_request = review_request or request_for(assessment, skills=skills)
    review, _ = services.take_request(review_request=review_request, user=reviewer)
    levels = dict.fromkeys(review_request.skills, level) | (levels or {})
    comments = comments or {}
    services.save_review(
        review=review,
        ratings=[
            ReviewRatingInput(skill_slug=s, level=None, not_seen=True)
            if s in not_seen
            else ReviewRatingInput(skill_slug=s, level=v, comment=comments.get(s, ""))
            for s, v in levels.items()
        ],
    )
    if submit:
        review, _ = services.submit_review(review=review)
    return review
