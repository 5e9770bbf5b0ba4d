"""Test data for second opinions, built through the same services production uses."""

from accounts.tests.factories import UserFactory
from reviews import services
from reviews.services import ReviewRatingInput


def request_for(assessment, *, skills=None, show_evidence=False, display_name="Alice A."):
    return services.request_review(
        assessment=assessment, display_name=display_name, skills=skills, show_evidence=show_evidence
    )


def review_of(assessment, reviewer=None, *, levels=None, level=2, comments=None, submit=True, skills=None):
    """A review of `assessment` by `reviewer` (a new user by default): every requested skill rated
    `level` except those in `levels`; submitted unless `submit=False`."""
    reviewer = reviewer or UserFactory()
    review_request = request_for(assessment, skills=skills)
    review, _ = services.take_request(review_request=review_request, user=reviewer)
    levels = dict.fromkeys(review_request.skills, level) | (levels or {})
    comments = comments or {}
    services.save_review(
        review=review,
        ratings=[ReviewRatingInput(skill_slug=s, level=v, comment=comments.get(s, "")) for s, v in levels.items()],
    )
    if submit:
        review, _ = services.submit_review(review=review)
    return review
