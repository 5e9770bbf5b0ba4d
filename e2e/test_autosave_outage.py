"""While the database restarts the autosave answers 503: the page keeps the rating, says so, and
sends it again until the server takes it (docs/reliability.md)."""

import pytest
from playwright.sync_api import expect

from assessments.models import Rating
from assessments.tests.factories import draft_for
from roles.models import Role

from .helpers import SENIOR_ML, log_in, radio, step_skills

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTAGE_ANSWERS = 2  # autosaves answered 503 before the "database" is back


def test_an_autosave_refused_during_an_outage_is_kept_shown_and_sent_again(page, shipped_roles, alice):
    draft = draft_for(alice, Role.objects.get(slug=SENIOR_ML))
    log_in(page, "alice")
    page.goto(f"/assessments/{draft.pk}/step/1/")
    slug = step_skills(page)[0]
    refused = []

    def database_restarting(route):
        if len(refused) < OUTAGE_ANSWERS:
            refused.append(route.request.post_data)
            route.fulfill(
                status=503,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body='{"saved": false, "error": "The site is restarting; your answer is kept and will be sent again."}',
            )
        else:
            route.continue_()

    page.route("**/rate/", database_restarting)
    radio(page, slug, 3).check()

    expect(page.locator("[data-save-status]")).to_have_text("Not saved, retrying…")
    expect(radio(page, slug, 3)).to_be_checked()  # the answer stays on the page
    expect(page.locator("[data-save-status]")).to_have_text("Saved", timeout=30_000)

    assert len(refused) == OUTAGE_ANSWERS
    rating = Rating.objects.get(assessment=draft, skill__slug=slug)
    assert rating.level == 3
