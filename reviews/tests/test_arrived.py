"""When a second opinion arrives, its owner is told: on the dashboard at once (the cached page moves
with the review), in their notices at the next scan, and by mail only if they chose it and only to
an address they verified."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notices import scan
from notices.models import Delivery, Kind, Notice, NoticePreference
from notices.tests.conftest import queued_mail, run_worker  # noqa: F401 (queued_mail: a fixture)
from reviews import selectors, services
from reviews.models import Review

from .factories import review_of
from .test_views import client_for

pytestmark = pytest.mark.django_db


def arrived_on(body):
    return body.count('data-testid="review-arrived"')


def test_the_owners_cached_dashboard_shows_a_review_as_soon_as_it_is_submitted(alice_client, submitted, carol):
    draft = review_of(submitted, carol, submit=False)
    url = reverse("assessments:dashboard")
    assert arrived_on(alice_client.get(url).content.decode()) == 0  # a draft is the reviewer's alone
    services.submit_review(review=draft)
    body = alice_client.get(url).content.decode()
    assert arrived_on(body) == 1
    assert "<strong>carol</strong> reviewed your" in body
    assert f'href="{reverse("reviews:compare", args=[draft.pk])}"' in body


def test_nobody_else_sees_the_review_on_their_dashboard(bob_client, submitted, carol):
    review_of(submitted, carol)
    assert arrived_on(bob_client.get(reverse("assessments:dashboard")).content.decode()) == 0
    client = client_for(carol)
    assert arrived_on(client.get(reverse("assessments:dashboard")).content.decode()) == 0  # the reviewer


def test_the_dashboard_notice_lasts_two_weeks_in_whole_days(alice, submitted, carol):
    review = review_of(submitted, carol)
    today = timezone.localdate()
    for days_ago, shown in ((0, True), (selectors.ARRIVED_DAYS - 1, True), (selectors.ARRIVED_DAYS, False)):
        when = timezone.make_aware(
            timezone.datetime.combine(today - timedelta(days=days_ago), timezone.datetime.min.time())
        )
        Review.objects.filter(pk=review.pk).update(submitted_at=when)
        assert bool(selectors.reviews_arrived(alice)) is shown, days_ago


@pytest.mark.usefixtures("queued_mail")
def test_a_review_arriving_is_a_notice_and_mail_goes_only_to_a_verified_address(alice, submitted, carol):
    NoticePreference.objects.create(user=alice, kind=Kind.REVIEW_ARRIVED, delivery=Delivery.IMMEDIATE)
    EmailAddress.objects.filter(user=alice).update(verified=False)
    review_of(submitted, carol)
    scan.run_scan()
    run_worker()
    assert list(Notice.objects.filter(user=alice).values_list("kind", flat=True)) == [Kind.REVIEW_ARRIVED]
    assert mail.outbox == []  # an address alice has not verified may be someone else's
    EmailAddress.objects.filter(user=alice).update(verified=True)
    review_of(submitted, UserFactory(username="dave"))
    scan.run_scan()
    run_worker()
    assert [m.to for m in mail.outbox] == [[alice.email]]
