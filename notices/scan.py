"""The periodic scan: find what people should be told, record each finding once, queue its mail.

`run_scan()` is the one entry point (the `notices_scan` command and the `scan` task call it). Every
step is idempotent, so running it twice, or two at once, tells nobody anything twice:

1. detect: each detector reads one window of time from the apps below (plan items due within 3 days,
   reviews submitted in the last week, ...) and yields findings (user, kind, subject key, text, url);
2. record: findings become `Notice` rows with bulk inserts that ignore a (user, kind, subject) that
   exists already (the database's unique constraint decides, also between two scans at once);
3. mail: notices whose person chose email are claimed in batches (FOR UPDATE SKIP LOCKED), and each
   one's mail is written to the outbox in the same transaction that marks it mailed: a scan killed
   mid-batch leaves the batch unclaimed and unmailed, and the next scan does it;
4. digests (on CAREERPATH_DIGEST_WEEKDAY): one mail per person for the week's digest notices, keyed
   by person and week;
5. requeue mail a dead worker left unsent, and forget mail sent more than 30 days ago
   (notices/outbox.py).

The apps below never import this one: the scan reads their tables through their models.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.emails import verified_addresses
from assessments.models import Assessment, PlanItem
from reviews.models import Review, ReviewRequest
from roles.models import RoleSkill
from teams.models import Assignment, CycleParticipant, Membership

from . import outbox
from .emails import digest_message, notice_message
from .models import Delivery, Kind, Notice, NoticePreference, RoleTargets

DUE_SOON_DAYS = 3
RECENT = timedelta(days=7)  # how far back an event still becomes a notice (a scan missed for a few days)
BATCH = 500


@dataclass(frozen=True)
class Found:
    user_id: int
    kind: str
    subject_key: str
    text: str
    url: str


def _short(text, limit=80):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- 1. detectors ---------------------------------------------------------------------------------


def plan_items(today):
    """Open plan items due within DUE_SOON_DAYS, and those that became overdue in the last week."""
    rows = (
        PlanItem.objects.exclude(status=PlanItem.Status.DONE)
        .filter(target_date__gte=today - RECENT, target_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .values_list("pk", "target_date", "skill_name", "plan__user_id", "plan__assessment_id", "plan__role__title")
    )
    for pk, due, skill, user_id, assessment_id, role in rows.iterator(chunk_size=2000):
        url = reverse("assessments:plan", kwargs={"pk": assessment_id})
        key = f"planitem:{pk}:{due.isoformat()}"
        if due < today:
            text = f"“{_short(skill)}” in your {_short(role)} plan was due on {due:%d %b %Y}."
            yield Found(user_id, Kind.PLAN_OVERDUE, key, text, url)
        else:
            text = f"“{_short(skill)}” in your {_short(role)} plan is due on {due:%d %b %Y}."
            yield Found(user_id, Kind.PLAN_DUE_SOON, key, text, url)


def reviews(now):
    """Reviews submitted in the last week (to the assessment's owner); requests made to a teammate
    by name in the last week and still open (to the teammate); open requests that expire within a
    day (to the person who asked)."""
    arrived = Review.objects.filter(status=Review.Status.SUBMITTED, submitted_at__gte=now - RECENT).values_list(
        "pk", "request__assessment__user_id", "request__assessment__role__title"
    )
    for pk, owner_id, role in arrived:
        if owner_id is not None:
            text = f"A review of your {_short(role)} assessment arrived."
            yield Found(
                owner_id, Kind.REVIEW_ARRIVED, f"review:{pk}", text, reverse("reviews:compare", kwargs={"pk": pk})
            )
    open_requests = ReviewRequest.objects.filter(revoked_at__isnull=True, taken_at__isnull=True, expires_at__gt=now)
    asked = open_requests.filter(invitee__isnull=False, created_at__gte=now - RECENT).values_list(
        "pk", "invitee_id", "assessment__user__username", "assessment__role__title"
    )
    for pk, invitee_id, owner, role in asked:
        text = f"{_short(owner, 40)} asked you to review their {_short(role)} assessment."
        yield Found(invitee_id, Kind.REVIEW_ASKED, f"reviewrequest:{pk}", text, reverse("reviews:mine"))
    expiring = open_requests.filter(expires_at__lte=now + timedelta(days=1)).values_list(
        "pk", "assessment__user_id", "assessment_id", "assessment__role__title", "expires_at"
    )
    for pk, owner_id, assessment_id, role, expires in expiring:
        if owner_id is not None:
            when = timezone.localtime(expires)
            text = f"A review request for your {_short(role)} assessment expires on {when:%d %b %Y at %H:%M}."
            url = reverse("reviews:manage", kwargs={"pk": assessment_id})
            yield Found(owner_id, Kind.REQUEST_EXPIRING, f"reviewrequest:{pk}", text, url)


def _assignment_audience(assignments):
    """{assignment id: [user ids]}: the whole team for `everyone`, else the chosen members."""
    assignments = list(assignments)
    everyone_teams = {a.team_id for a in assignments if a.everyone}
    members = {}
    for team_id, user_id in Membership.objects.filter(team_id__in=everyone_teams).values_list("team_id", "user_id"):
        members.setdefault(team_id, []).append(user_id)
    chosen = {}
    targets = Assignment.targets.through.objects.filter(
        assignment_id__in=[a.pk for a in assignments if not a.everyone]
    ).values_list("assignment_id", "membership__user_id")
    for assignment_id, user_id in targets:
        chosen.setdefault(assignment_id, []).append(user_id)
    return {a.pk: members.get(a.team_id, []) if a.everyone else chosen.get(a.pk, []) for a in assignments}


def teams(now, today):
    """Roles assigned in the last week and assigned roles due within DUE_SOON_DAYS (to the members
    they are for, not the person who assigned them); review cycles opened or closed in the last
    week (to their participants)."""
    assignments = (
        Assignment.objects.filter(
            Q(created_at__gte=now - RECENT)
            | Q(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        )
        .select_related("team", "role")
        .only(
            "pk",
            "everyone",
            "due_date",
            "created_at",
            "created_by_id",
            "team__name",
            "team__slug",
            "role__title",
            "role__slug",
        )
    )
    assignments = list(assignments)
    audience = _assignment_audience(assignments)
    for a in assignments:
        url = reverse("teams:role", kwargs={"slug": a.team.slug, "role_slug": a.role.slug})
        for user_id in audience[a.pk]:
            if a.created_at >= now - RECENT and user_id != a.created_by_id:
                text = f"{_short(a.team.name, 60)} assigned you the role {_short(a.role.title)}."
                yield Found(user_id, Kind.ROLE_ASSIGNED, f"assignment:{a.pk}", text, url)
            if a.due_date and today <= a.due_date <= today + timedelta(days=DUE_SOON_DAYS):
                text = f"{_short(a.role.title)} for {_short(a.team.name, 60)} is due on {a.due_date:%d %b %Y}."
                yield Found(user_id, Kind.ASSIGNMENT_DUE, f"assignment:{a.pk}:{a.due_date.isoformat()}", text, url)
    cycles = CycleParticipant.objects.filter(
        Q(cycle__opened_at__gte=now - RECENT) | Q(cycle__closed_at__gte=now - RECENT)
    ).values_list(
        "user_id",
        "cycle_id",
        "cycle__opened_at",
        "cycle__closed_at",
        "cycle__role__title",
        "cycle__role__slug",
        "cycle__team__name",
        "cycle__team__slug",
    )
    for user_id, cycle_id, opened, closed, role, role_slug, team, team_slug in cycles:
        url = reverse("teams:role", kwargs={"slug": team_slug, "role_slug": role_slug})
        if opened >= now - RECENT:
            text = f"A review cycle of {_short(role)} opened in {_short(team, 60)}."
            yield Found(user_id, Kind.CYCLE_OPENED, f"cycle:{cycle_id}", text, url)
        if closed is not None and closed >= now - RECENT:
            text = f"The review cycle of {_short(role)} in {_short(team, 60)} closed."
            yield Found(user_id, Kind.CYCLE_CLOSED, f"cycle:{cycle_id}", text, url)


def role_signatures():
    """{role id: digest of its skills, kinds and targets}: what moves a report when it changes."""
    parts = {}
    for role_id, skill_id, kind, target in RoleSkill.objects.order_by("role_id", "skill_id").values_list(
        "role_id", "skill_id", "kind", "target"
    ):
        parts.setdefault(role_id, []).append(f"{skill_id}:{kind}:{target}")
    return {role_id: hashlib.sha256(";".join(p).encode()).hexdigest() for role_id, p in parts.items()}


def guides(now):
    """Roles whose skills or targets changed since the last scan: everyone whose latest submitted
    assessment of the role is older than the change. The first scan only remembers the roles."""
    known = {t.role_id: t for t in RoleTargets.objects.all()}
    changed = []
    for role_id, signature in role_signatures().items():
        memory = known.get(role_id)
        if memory is None:
            RoleTargets.objects.create(role_id=role_id, signature=signature, changed_at=now)
        elif memory.signature != signature:
            RoleTargets.objects.filter(pk=memory.pk).update(signature=signature, changed_at=now)
            changed.append((role_id, signature))
    for role_id, signature in changed:
        rows = (
            Assessment.objects.filter(role_id=role_id, status=Assessment.Status.SUBMITTED, user__isnull=False)
            .filter(submitted_at__lt=now)
            .values_list("user_id", "role__title", "role__slug")
            .distinct()
        )
        for user_id, title, slug in rows:
            text = f"The {_short(title)} guide changed its skills or targets since you assessed it: retake it to see where you stand."
            url = reverse("roles:detail", kwargs={"slug": slug})
            yield Found(user_id, Kind.GUIDE_CHANGED, f"role:{role_id}:{signature[:16]}", text, url)


def detect(now):
    today = timezone.localdate(now)
    yield from plan_items(today)
    yield from reviews(now)
    yield from teams(now, today)
    yield from guides(now)


# --- 2. record ------------------------------------------------------------------------------------


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def record(found, *, now):
    """Notice rows for the findings not recorded before; returns how many findings were offered.
    Each carries the person's delivery choice as it is now (no row: in the app only)."""
    offered = 0
    for chunk in _chunks(found, BATCH):
        offered += len(chunk)
        users = {f.user_id for f in chunk}
        kinds = {f.kind for f in chunk}
        choices = {
            (user_id, kind): delivery
            for user_id, kind, delivery in NoticePreference.objects.filter(user_id__in=users, kind__in=kinds)
            .exclude(delivery=Delivery.IN_APP)
            .values_list("user_id", "kind", "delivery")
        }
        Notice.objects.bulk_create(
            [
                Notice(
                    user_id=f.user_id,
                    kind=f.kind,
                    subject_key=f.subject_key,
                    text=f.text[:300],
                    url=f.url,
                    created_at=now,
                    delivery=choices.get((f.user_id, f.kind), Delivery.IN_APP),
                )
                for f in chunk
            ],
            ignore_conflicts=True,  # (user, kind, subject) seen before: the unique constraint keeps the first
        )
    return offered


# --- 3. and 4. mail -------------------------------------------------------------------------------


def mail_immediate(*, batch=100):
    """Queue one mail per notice whose person chose immediate email; returns how many. Each batch is
    one transaction: claim (skip rows another scan holds), write the mails, mark the notices."""
    queued = 0
    while True:
        with transaction.atomic():
            notices = list(
                Notice.objects.mail_pending(Delivery.IMMEDIATE)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch]
            )
            if not notices:
                return queued
            addresses = verified_addresses({notice.user_id for notice in notices})
            for notice in notices:
                if to := addresses.get(notice.user_id):
                    outbox.enqueue(notice_message(notice, to=to), key=f"notice:{notice.pk}")
                    queued += 1
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())


def mail_digests(*, now, batch=200):
    """On the digest weekday: one mail per person listing their digest notices not yet mailed,
    keyed by person and ISO week (a second scan that day adds nothing); returns how many. People
    are taken `batch` at a time, one transaction each: their notices claimed in one query (skipping
    rows another scan holds), their mails written, the notices marked in one update."""
    if timezone.localdate(now).weekday() != settings.CAREERPATH_DIGEST_WEEKDAY:
        return 0
    year, week, _day = timezone.localdate(now).isocalendar()
    queued = 0
    user_ids = list(
        Notice.objects.mail_pending(Delivery.DIGEST).order_by("user_id").values_list("user_id", flat=True).distinct()
    )
    for chunk in _chunks(user_ids, batch):
        with transaction.atomic():
            by_user = {}
            for notice in (
                Notice.objects.mail_pending(Delivery.DIGEST)
                .filter(user_id__in=chunk)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("user_id", "created_at", "pk")
            ):
                by_user.setdefault(notice.user_id, []).append(notice)
            addresses = verified_addresses(by_user)
            for user_id, notices in by_user.items():
                key = f"digest:{user_id}:{year}-W{week:02d}"
                to = addresses.get(user_id)
                if to and outbox.enqueue(digest_message(user_id, notices, to=to), key=key):
                    queued += 1
            Notice.objects.filter(pk__in=[n.pk for notices in by_user.values() for n in notices]).update(
                emailed_at=timezone.now()
            )
    return queued


@dataclass(frozen=True)
class ScanReport:
    findings: int
    notices: int
    mails: int
    digests: int
    requeued: int

    def __str__(self):
        return (
            f"{self.findings} findings, {self.notices} new notices, {self.mails} mails and "
            f"{self.digests} digests queued, {self.requeued} overdue mails requeued"
        )


def run_scan(*, now=None, requeue_after=None):
    now = now or timezone.now()
    before = Notice.objects.count()
    with transaction.atomic():  # a guide's new signature and its notices commit together
        findings = record(detect(now), now=now)
    notices = Notice.objects.count() - before
    mails = mail_immediate()
    digests = mail_digests(now=now)
    requeued = outbox.requeue_stale(now=now, after=requeue_after)
    outbox.prune_sent(now=now)
    return ScanReport(findings, notices, mails, digests, requeued)
