"""What reviews adds to the apps below it, through their hooks (filled in ReviewsConfig.ready)."""

from assessments.hooks import SelfRatings

from . import selectors, services
from .selectors import Basis


class SecondOpinions(SelfRatings):
    """Reports on the self, reviewer or calibrated ratings (reviews.selectors)."""

    def reports_on_default_basis(self, assessments):
        return selectors.reports_on_default_basis(assessments)

    def report_on(self, assessment, basis):
        basis = basis if basis in Basis.ALL else Basis.SELF
        if basis == Basis.REVIEWER and not selectors.reviewer_levels(assessment):
            return None  # no second opinion on that report: its own ratings would be another basis
        return selectors.report_on_basis(assessment, basis)

    def report_for_plan(self, assessment):
        return selectors.report_on_basis(assessment, Basis.CALIBRATED)

    def plan_basis_phrase(self, assessment):
        return selectors.Basis.PHRASES[selectors.default_basis(assessment)]  # calibrated once the owner calibrated

    def latest_levels(self, latest):
        return selectors.calibrated_levels(latest)  # a calibrated level wins over its self-rating

    def fit_basis_phrase(self):
        return "the level you calibrated after a second opinion, where you did"

    def fit_rated_by(self, assessment, basis):
        return selectors.reviewer_rated_by(assessment) if basis == Basis.REVIEWER else None

    def report_page_context(self, assessment, requested):
        return selectors.report_page_context(assessment, selectors.parse_basis(requested))

    def report_document(self, assessment, requested):
        return selectors.report_document(assessment, selectors.parse_basis(requested))

    def shared_report_context(self, link):
        return {"second_opinions": selectors.shared_opinions(link.assessment)} if link.include_reviews else {}


def dashboard_part(user):
    return {
        "review_invitations": selectors.invitations_for(user),  # teammates asking for a second opinion
        "reviews_arrived": selectors.reviews_arrived(user),  # second opinions on their own assessments
    }


# What account_data holds of a person (accounts.hooks.add_account_data).
ACCOUNT_DATA_MODELS = ["reviews.ReviewRequest", "reviews.Review", "reviews.ReviewRating", "reviews.Calibration"]


def account_data(user):
    return {
        "reviews": selectors.export_reviews(user)
    }  # ratings received and given, requests (and to whom), calibrations


def delete_account_data(*, user):
    services.forget_reviewer(user=user)  # the reviews they gave go; their assessments' reviews go with them
