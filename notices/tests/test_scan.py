"""The periodic scan: each kind of notice found once, mailed once, whatever runs twice."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments import services as assessment_services
from assessments.models import PlanItem
from assessments.tests.factories import submitted_for
from notices import scan, services
from notices.models import Delivery, Kind, Notice, NoticePreference, OutgoingMail
from reviews import services as review_services
from reviews.tests.factories import review_of
from roles.models import RoleSkill
from roles.tests.factories import make_role
from teams import services as team_services
from teams.tests.factories import join, team_of

from .conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def role():
    return make_role(required=3, differentiating=1, title="Data Wrangler")


@pytest.fixture
def plan_items(alice, role):
    """Alice's plan with one item due in 2 days, one overdue since yesterday, one done (overdue)."""
    assessment = submitted_for(alice, role, level=1)
    plan, _ = assessment_services.create_plan(assessment=assessment)
    items = list(plan.items.order_by("order"))
    today = timezone.localdate()
    PlanItem.objects.filter(pk=items[0].pk).update(target_date=today + timedelta(days=2))
    PlanItem.objects.filter(pk=items[1].pk).update(target_date=today - timedelta(days=1))
    PlanItem.objects.filter(pk=items[2].pk).update(target_date=today - timedelta(days=1), status=PlanItem.Status.DONE)
    return items


def kinds(user):
    return sorted(Notice.objects.filter(user=user).values_list("kind", flat=True))


def test_plan_items_due_soon_and_overdue_each_become_one_notice(alice, plan_items):
    report = scan.run_scan()
    assert kinds(alice) == sorted([Kind.PLAN_DUE_SOON, Kind.PLAN_OVERDUE])
    assert report.notices == 2
    overdue = Notice.objects.get(kind=Kind.PLAN_OVERDUE)
    assert "was due on" in overdue.text and overdue.url.endswith("/plan/")


def test_running_the_scan_twice_tells_nobody_anything_twice(alice, plan_items, queued_mail):
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_DUE_SOON, delivery=Delivery.IMMEDIATE)
    first = scan.run_scan()
    second = scan.run_scan()
    run_worker()
    assert (first.notices, first.mails) == (2, 1)
    assert (second.notices, second.mails) == (0, 0)
    assert Notice.objects.count() == 2
    assert [m.subject for m in mail.outbox] == ["careerpath: A plan item is due in 3 days"]


def test_a_moved_due_date_is_a_new_subject(alice, plan_items):
    scan.run_scan()
    PlanItem.objects.filter(pk=plan_items[0].pk).update(target_date=timezone.localdate() + timedelta(days=3))
    scan.run_scan()
    assert kinds(alice).count(Kind.PLAN_DUE_SOON) == 2


def test_email_is_off_by_default(alice, plan_items, queued_mail):
    report = scan.run_scan()
    run_worker()
    assert report.notices == 2 and report.mails == 0
    assert mail.outbox == [] and not OutgoingMail.objects.exists()


def test_a_review_arriving_tells_the_owner(alice, bob, role):
    assessment = submitted_for(alice, role, level=2)
    review_of(assessment, bob)
    scan.run_scan()
    assert kinds(alice) == [Kind.REVIEW_ARRIVED]
    assert kinds(bob) == []


def test_a_teammate_asked_by_name_is_told_and_the_owner_hears_when_it_expires_tomorrow(alice, bob, role):
    join(team_of(alice), bob)
    assessment = submitted_for(alice, role, level=2)
    request, _ = review_services.request_review(assessment=assessment, display_name="A.", invitee=bob)
    scan.run_scan()
    assert kinds(bob) == [Kind.REVIEW_ASKED]
    assert "asked you to review" in Notice.objects.get(user=bob).text
    type(request).objects.filter(pk=request.pk).update(expires_at=timezone.now() + timedelta(hours=20))
    scan.run_scan()
    assert kinds(alice) == [Kind.REQUEST_EXPIRING]


def test_an_assigned_role_tells_the_members_not_the_manager_and_its_due_date_too(alice, bob, role):
    team = team_of(alice)
    join(team, bob)
    team_services.assign_role(team=team, by=alice, role=role, due_date=timezone.localdate() + timedelta(days=2))
    scan.run_scan()
    assert kinds(bob) == sorted([Kind.ROLE_ASSIGNED, Kind.ASSIGNMENT_DUE])
    assert kinds(alice) == [Kind.ASSIGNMENT_DUE]  # she is a member too; she assigned it, so no "assigned you"


def test_a_review_cycle_opening_and_closing_tells_its_participants(alice, bob, role):
    team = team_of(alice)
    join(team, bob)
    team_services.assign_role(team=team, by=alice, role=role)
    cycle = team_services.open_cycle(team=team, role=role, by=alice, closes_on=timezone.localdate() + timedelta(days=3))
    scan.run_scan()
    assert Kind.CYCLE_OPENED in kinds(bob)
    team_services.close_cycle(cycle=cycle, by=alice)
    scan.run_scan()
    assert Kind.CYCLE_CLOSED in kinds(bob)


def test_a_guide_whose_targets_change_tells_who_assessed_it_once(alice, bob, role):
    submitted_for(alice, role, level=2)
    scan.run_scan()  # the first scan only remembers the role's targets
    assert kinds(alice) == []
    RoleSkill.objects.filter(role=role).update(target=5)
    scan.run_scan()
    scan.run_scan()
    assert kinds(alice) == [Kind.GUIDE_CHANGED]
    assert kinds(bob) == []  # never assessed it


def test_the_weekly_digest_gathers_a_weeks_notices_into_one_mail_on_its_day(alice, plan_items, queued_mail, settings):
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_DUE_SOON, delivery=Delivery.DIGEST)
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_OVERDUE, delivery=Delivery.DIGEST)
    settings.CAREERPATH_DIGEST_WEEKDAY = (timezone.localdate().weekday() + 1) % 7  # tomorrow
    assert scan.run_scan().digests == 0
    settings.CAREERPATH_DIGEST_WEEKDAY = timezone.localdate().weekday()  # today
    assert scan.run_scan().digests == 1
    assert scan.run_scan().digests == 0
    run_worker()
    (digest,) = mail.outbox
    assert digest.subject == "careerpath: your weekly digest"
    assert "A plan item is due in 3 days: 1" in digest.body and "A plan item became overdue: 1" in digest.body


def test_every_notice_mail_has_a_one_click_unsubscribe_and_no_words_a_person_typed(alice, bob, role, queued_mail):
    team = team_of(alice, name="Evil <a href=x>Team</a>")
    join(team, bob)
    NoticePreference.objects.create(user=bob, kind=Kind.ROLE_ASSIGNED, delivery=Delivery.IMMEDIATE)
    team_services.assign_role(team=team, by=alice, role=role)
    scan.run_scan()
    run_worker()
    (sent,) = mail.outbox
    assert sent.to == [bob.email]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notices/unsubscribe/" in url and url in sent.body
    assert "Evil" not in sent.body and "Evil" not in sent.subject


def test_a_person_without_an_email_address_gets_the_notice_in_the_app_only(plan_items, alice, queued_mail):
    type(alice).objects.filter(pk=alice.pk).update(email="")
    EmailAddress.objects.filter(user=alice).delete()
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_DUE_SOON, delivery=Delivery.IMMEDIATE)
    report = scan.run_scan()
    assert report.notices == 2 and report.mails == 0


@pytest.mark.parametrize("delivery", [Delivery.IMMEDIATE, Delivery.DIGEST])
def test_no_notice_mail_goes_to_an_address_its_person_never_verified(plan_items, queued_mail, settings, delivery):
    """Anyone can type any address at sign-up: until its owner follows the link, it gets no mail from us."""
    settings.CAREERPATH_DIGEST_WEEKDAY = timezone.localdate().weekday()
    unverified = plan_items[0].plan.user
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    NoticePreference.objects.create(user=unverified, kind=Kind.PLAN_DUE_SOON, delivery=delivery)
    report = scan.run_scan()
    assert report.notices == 2 and report.mails == 0 and report.digests == 0
    assert not OutgoingMail.objects.exists()


def test_notice_mail_goes_to_the_verified_address_when_the_primary_one_is_not(plan_items, alice, queued_mail):
    EmailAddress.objects.filter(user=alice).update(verified=False)
    EmailAddress.objects.create(user=alice, email="alice.work@example.com", verified=True, primary=False)
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_DUE_SOON, delivery=Delivery.IMMEDIATE)
    assert scan.run_scan().mails == 1
    run_worker()
    (sent,) = mail.outbox
    assert sent.to == ["alice.work@example.com"] != [alice.email]


def test_unsubscribing_stops_the_pending_mail_of_that_kind_only(alice, plan_items, queued_mail):
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_DUE_SOON, delivery=Delivery.IMMEDIATE)
    NoticePreference.objects.create(user=alice, kind=Kind.PLAN_OVERDUE, delivery=Delivery.IMMEDIATE)
    scan.record(scan.detect(timezone.now()), now=timezone.now())  # found, not yet mailed
    services.unsubscribe(user=alice, what=Kind.PLAN_DUE_SOON)
    assert scan.mail_immediate() == 1
    run_worker()
    assert [m.subject for m in mail.outbox] == ["careerpath: A plan item became overdue"]
    assert set(NoticePreference.objects.values_list("kind", flat=True)) == {Kind.PLAN_OVERDUE}


def test_the_scan_of_many_people_runs_a_constant_number_of_queries(django_assert_max_num_queries, role):
    """Detect and record: the same handful of queries for 3 people as for 30 (mail aside)."""

    def people_with_due_items(n):
        for _ in range(n):
            user = UserFactory()
            plan, _ = assessment_services.create_plan(assessment=submitted_for(user, role, level=1))
            plan.items.update(target_date=timezone.localdate() + timedelta(days=1))

    people_with_due_items(3)
    with django_assert_max_num_queries(30) as small:
        scan.run_scan()
    people_with_due_items(30)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        scan.run_scan()
    assert len(large.captured_queries) <= len(small.captured_queries)
