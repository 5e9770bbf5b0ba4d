"""Writes to assessments. Views, admin and tests all go through these functions.

Every function is keyword-only and runs in one transaction. Writes that change an assessment
lock its row first (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises writers with
IMMEDIATE transactions), so two tabs saving at once never lose a rating and a submission
never races an autosave.
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from careerpath.owner import Owner
from careerpath.sql import table
from careerpath.tokens import new_token, token_digest
from roles.models import RoleSkill, Skill

from .hooks import ratings_basis
from .models import Assessment, Rating, ShareLink
from .snapshots import build_snapshot


class AssessmentError(Exception):
    """A write that the assessment's state does not allow; the message is shown to the user."""


class AlreadySubmitted(AssessmentError):
    def __init__(self):
        super().__init__("This assessment has been submitted and is read-only. Retake it to change your ratings.")


class UnknownSkill(AssessmentError):
    def __init__(self):
        super().__init__("That skill is not part of this role.")


class RoleNotOffered(AssessmentError):
    def __init__(self):
        super().__init__("This role is no longer offered, so its assessment cannot be started or continued.")


def is_offered(*, published, user):
    """Whether `user` (None for a visitor) may start or continue an assessment of a role that is
    `published` or not: anyone while it is; staff also while it is not (the preview
    `Role.objects.visible_to` gives them)."""
    return published or (user is not None and user.is_authenticated and user.is_staff)


class NotComplete(AssessmentError):
    def __init__(self, missing):
        self.missing = missing
        super().__init__(f"Rate every skill before submitting: {missing} still unrated.")


@dataclass(frozen=True)
class RatingInput:
    skill_id: int
    level: int
    evidence: str = ""


def _lock(assessment):
    """Re-read the assessment under a row lock; the caller must be inside a transaction."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def latest_ratings(*, user, exclude_assessment=None):
    """{skill_id: Rating} with the most recent rating the user gave each skill, in any assessment."""
    ratings = (
        Rating.objects.owned_by(Owner.of_user(user))
        .exclude(assessment=exclude_assessment)
        .order_by("skill_id", "-updated_at", "-id")
        .only("id", "skill_id", "level", "evidence", "updated_at", "prefilled_at")
    )
    latest: dict[int, Rating] = {}
    for rating in ratings:
        latest.setdefault(rating.skill_id, rating)
    return latest


def _prefill(assessment, *, user):
    """Carry the user's most recent rating of each of the role's skills into a draft (unrated skills
    only): the level the owner calibrated for it after a second opinion, when they did."""
    earlier = latest_ratings(user=user, exclude_assessment=assessment)
    if not earlier:
        return 0
    levels = ratings_basis().latest_levels(earlier)  # reviews: a calibrated level wins over its self-rating
    role_skills = set(RoleSkill.objects.filter(role_id=assessment.role_id).values_list("skill_id", flat=True))
    already = set(assessment.ratings.values_list("skill_id", flat=True))
    rows = [
        Rating(
            assessment=assessment,
            skill_id=skill_id,
            level=levels[skill_id],
            evidence=rating.evidence,
            prefilled_from_id=rating.pk,
            prefilled_at=rating.prefilled_at or rating.updated_at,
            prefilled_calibrated=levels[skill_id] != rating.level,
        )
        for skill_id, rating in earlier.items()
        if skill_id in role_skills and skill_id not in already
    ]
    Rating.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def start_assessment(*, role, user=None, session_key="", retake_of=None):
    """Return the open draft of `role` for this user (or visitor session), creating it if needed.

    A new draft for a user is pre-filled with the most recent rating they gave each skill.
    Returns (assessment, created). Raises RoleNotOffered for an unpublished role (except for staff).
    """
    if user is None and not session_key:
        raise ValueError("A draft needs a user or a session.")
    if not is_offered(published=role.is_published, user=user):
        raise RoleNotOffered()
    owner = {"user": user} if user is not None else {"user": None, "session_key": session_key}
    existing = Assessment.objects.drafts().filter(role=role, **owner).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                role=role, user=user, session_key="" if user is not None else session_key, retake_of=retake_of
            )
    except IntegrityError:
        # Another request created the draft a moment ago (double click, two tabs): use it.
        return Assessment.objects.drafts().get(role=role, **owner), False
    if user is not None:
        _prefill(assessment, user=user)
    return assessment, True


def _touch_draft(assessment, now):
    """Mark the draft as changed, or raise AlreadySubmitted.

    The UPDATE ... WHERE status = draft also takes the row's lock until the transaction ends, so
    it orders this save against a submit (which locks the same row) without a separate SELECT ...
    FOR UPDATE: a save that comes second sees the submitted status and changes nothing.
    """
    if not Assessment.objects.drafts().filter(pk=assessment.pk).update(updated_at=now):
        raise AlreadySubmitted()
    assessment.updated_at = now


def _upsert(assessment, ratings, now):
    """One INSERT ... ON CONFLICT DO UPDATE for all the ratings (PostgreSQL and SQLite)."""
    rows = [
        Rating(
            assessment=assessment,
            skill_id=item.skill_id,
            level=item.level,
            evidence=item.evidence,
            prefilled_from=None,
            prefilled_at=None,
            prefilled_calibrated=False,
            updated_at=now,
        )
        for item in ratings
    ]
    return Rating.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["assessment", "skill"],
        update_fields=["level", "evidence", "prefilled_from", "prefilled_at", "prefilled_calibrated", "updated_at"],
    )


@transaction.atomic
def save_ratings(*, assessment, ratings):
    """Save several ratings of one draft at once (all or nothing). Returns the saved Rating rows.

    Only skills the role has now may be rated; saving a rating confirms a carried-over one.
    """
    now = timezone.now()
    _touch_draft(assessment, now)
    requested = [r.skill_id for r in ratings]
    allowed = set(
        RoleSkill.objects.filter(role_id=assessment.role_id, skill_id__in=requested).values_list("skill_id", flat=True)
    )
    if any(r.skill_id not in allowed for r in ratings):
        raise UnknownSkill()
    return _upsert(assessment, ratings, now)


def save_rating(*, assessment, skill, level, evidence=""):
    return save_ratings(
        assessment=assessment, ratings=[RatingInput(skill_id=skill.pk, level=level, evidence=evidence)]
    )[0]


@transaction.atomic
def autosave_rating(*, assessment, skill_slug, level, evidence=""):
    """Save one rating, the skill named by its slug (the autosave path: four statements in all)."""
    skill_id = (
        RoleSkill.objects.filter(role_id=assessment.role_id, skill__slug=skill_slug)
        .values_list("skill_id", flat=True)
        .first()
    )
    if skill_id is None:
        raise UnknownSkill()
    now = timezone.now()
    _touch_draft(assessment, now)
    return _upsert(assessment, [RatingInput(skill_id=skill_id, level=level, evidence=evidence)], now)[0]


def progress_counts(assessment):
    """(rated, total): the role's skills now, and how many of them this assessment rates.

    Plain SQL because it runs on every autosave: the same query built through the ORM (an
    aggregate with a filtered EXISTS) costs 2.7 ms of Python, the SQL 0.1 ms.
    """
    role_skills, ratings = table(RoleSkill), table(Rating)
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {role_skills} WHERE role_id = %s), "
        f"(SELECT COUNT(*) FROM {ratings} r JOIN {role_skills} rs ON rs.skill_id = r.skill_id AND rs.role_id = %s "
        "WHERE r.assessment_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [assessment.role_id, assessment.role_id, assessment.pk])
        total, rated = cursor.fetchone()
    return rated, total


@transaction.atomic
def confirm_prefilled(*, assessment):
    """Accept every carried-over rating as it is."""
    locked = _lock(assessment)
    if not locked.is_draft:
        raise AlreadySubmitted()
    count = locked.ratings.filter(prefilled_at__isnull=False).update(
        prefilled_from=None, prefilled_at=None, prefilled_calibrated=False
    )
    Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return count


def current_ratings(assessment):
    """{skill slug: (level, evidence)} for the skills the role has now."""
    rows = Rating.objects.filter(assessment=assessment, skill__role_skills__role_id=assessment.role_id).values_list(
        "skill__slug", "level", "evidence"
    )
    return {slug: (level, evidence) for slug, level, evidence in rows}


@transaction.atomic
def submit_assessment(*, assessment, current_role=None):
    """Freeze the assessment: store the role as it is now with the ratings, and make it read-only.

    Submitting an already submitted assessment returns it unchanged (a double click submits once).
    """
    locked = _lock(assessment)
    if locked.is_submitted:
        return locked, False
    role = locked.role
    if not is_offered(published=role.is_published, user=locked.user):
        raise RoleNotOffered()  # the snapshot would freeze content that is no longer public
    ratings = current_ratings(locked)
    total = RoleSkill.objects.filter(role=role).count()
    if len(ratings) < total:
        raise NotComplete(total - len(ratings))
    now = timezone.now()
    locked.snapshot = build_snapshot(role=role, ratings=ratings)
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_at = now
    locked.updated_at = now
    locked.current_role = current_role
    locked.save(update_fields=["snapshot", "status", "submitted_at", "updated_at", "current_role"])
    locked.ratings.filter(prefilled_at__isnull=False).update(
        prefilled_from=None, prefilled_at=None, prefilled_calibrated=False
    )
    return locked, True


def retake_assessment(*, assessment):
    """A new draft of the same role, pre-filled with the latest ratings (this report's included).

    Raises RoleNotOffered when the role has been unpublished since (staff may still retake it)."""
    return start_assessment(role=assessment.role, user=assessment.user, retake_of=assessment)


@transaction.atomic
def delete_assessment(*, assessment):
    """Delete the assessment. A plan last brought up to date with it moves back to the person's
    latest other report of the role, so deleting a report never deletes the plan's history."""
    from .models import Plan

    plan = Plan.objects.filter(assessment_id=assessment.pk).first()
    if plan is not None:
        earlier = (
            Assessment.objects.owned_by(Owner.of_assessment(assessment))
            .submitted()
            .filter(role_id=assessment.role_id)
            .exclude(pk=assessment.pk)
            .order_by("-submitted_at", "-id")
            .first()
        )
        if earlier is not None:
            Plan.objects.filter(pk=plan.pk).update(assessment=earlier, updated_at=timezone.now())
    assessment.delete()


@transaction.atomic
def share_report(*, assessment, display_name, **ticks):
    """A new share link to `assessment`'s report, showing what `ticks` include (include_plan,
    include_current_role, include_evidence, include_reviews). Returns (link, token): only the token's
    digest is kept (careerpath/tokens.py), so now is the one time the link can be shown."""
    token = new_token()
    link = ShareLink.objects.create(
        assessment=assessment, token_digest=token_digest(token), display_name=display_name, **ticks
    )
    return link, token


@transaction.atomic
def claim_session_drafts(*, session_key, user):
    """Move a visitor's drafts to the account they just signed up or logged in with.

    If the account already has a draft of the same role, the visitor's ratings are merged into it
    (the visitor's rating wins for a skill rated in both) and the visitor's draft is removed.
    Returns the number of drafts claimed.
    """
    if not session_key:
        return 0
    drafts = list(Assessment.objects.owned_by(Owner(session_key=session_key)).drafts())
    for draft in drafts:
        existing = Assessment.objects.owned_by(Owner.of_user(user)).drafts().filter(role_id=draft.role_id).first()
        if existing is None:
            Assessment.objects.filter(pk=draft.pk).update(user=user, session_key="", updated_at=timezone.now())
            _prefill(draft, user=user)
            continue
        for rating in draft.ratings.all():
            Rating.objects.update_or_create(
                assessment=existing,
                skill_id=rating.skill_id,
                defaults={
                    "level": rating.level,
                    "evidence": rating.evidence,
                    "prefilled_from": None,
                    "prefilled_at": None,
                },
            )
        Assessment.objects.filter(pk=existing.pk).update(updated_at=timezone.now())
        draft.delete()
    return len(drafts)


# --- development plans -------------------------------------------------------------------


def _plan_gaps(assessment):
    """(gaps in priority order, {slug: skill id}, {slug: (rating, target)} of every scored skill),
    on calibrated ratings (the self-ratings until a second opinion is calibrated)."""
    report = ratings_basis().report_for_plan(assessment)
    slugs = {g.slug for g in report.gaps}
    skill_ids = dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "id"))
    levels = {s.slug: (s.rating, s.target) for s in report.skills}
    return [g for g in report.gaps if g.slug in skill_ids], skill_ids, levels


def _report_date(assessment):
    return f"{timezone.localtime(assessment.submitted_at):%-d %b %Y}"


@transaction.atomic
def create_plan(*, assessment):
    """The person's one plan for the assessment's role, brought up to date with this report.

    No plan yet: one item per gap in priority order. A plan made from an earlier report of the
    role: open items are carried forward with their action, date, notes and status (their levels
    updated); open items whose gap has closed are closed ("done: you now meet the target"); new
    gaps get new items; every change is written to the item's history. A plan already made from
    this report, or from a later one, is returned unchanged. Returns (plan, created).
    """
    from .models import Plan

    locked = _lock(assessment)
    if not locked.is_submitted or locked.user_id is None:
        raise AssessmentError("Submit the assessment first: a plan is made from its gap report.")
    plan = Plan.objects.select_for_update().owned_by(Owner.of_assessment(locked)).for_role(locked.role_id).first()
    if plan is not None:
        made_from = Assessment.objects.only("submitted_at").get(pk=plan.assessment_id)
        if plan.assessment_id == locked.pk or made_from.submitted_at >= locked.submitted_at:
            return plan, False
    created = plan is None
    if plan is None:
        plan = Plan.objects.create(user_id=locked.user_id, role_id=locked.role_id, assessment=locked)
    else:
        plan.assessment = locked
        plan.save(update_fields=["assessment", "updated_at"])
    _bring_plan_up_to_date(plan=plan, locked=locked, created=created)
    return plan, created


@transaction.atomic
def rebuild_plan_gaps(*, assessment):
    """After the owner calibrates `assessment`: the plan made from it takes the calibrated gaps.

    Items keep what was typed (action, date, notes, status); their levels follow the calibrated
    ratings, a gap the calibration closed is marked done, a gap it opened gets an item, and each
    change is written to the item's history. A plan made from another report is left alone.
    Returns the plan, or None."""
    from .models import Plan

    locked = _lock(assessment)
    plan = Plan.objects.select_for_update().filter(assessment_id=locked.pk).first()
    if plan is not None:
        _bring_plan_up_to_date(plan=plan, locked=locked, created=False, calibrated=True)
    return plan


def _bring_plan_up_to_date(*, plan, locked, created, calibrated=False):
    """One item per gap of the report `locked` (on calibrated ratings), in priority order; see
    create_plan (`calibrated`: the same report, recalibrated, see rebuild_plan_gaps)."""
    from .models import PlanItem, PlanItemEvent

    gaps, skill_ids, levels = _plan_gaps(locked)
    when = _report_date(locked)
    existing = {} if created else {item.skill_id: item for item in plan.items.all()}
    events, new_items = [], []
    gap_skill_ids = set()
    for position, gap in enumerate(gaps):
        skill_id = skill_ids[gap.slug]
        gap_skill_ids.add(skill_id)
        item = existing.get(skill_id)
        if item is None:
            item = PlanItem(
                plan=plan,
                skill_id=skill_id,
                skill_name=gap.name,
                current_level=gap.rating,
                target_level=gap.target,
                order=position,
            )
            new_items.append(item)
            continue
        if item.status == PlanItem.Status.DONE and (item.current_level, item.target_level) == (gap.rating, gap.target):
            item.order = position
            item.save(update_fields=["order", "updated_at"])
            continue
        if calibrated and (item.current_level, item.target_level, item.order) == (gap.rating, gap.target, position):
            continue
        if calibrated:
            text = f"Calibrated ratings of your report of {when}: level {item.current_level} → {gap.rating}"
        else:
            text = f"Carried forward into your report of {when}: level {item.current_level} → {gap.rating}"
        text += f", target {gap.target}." if gap.target == item.target_level else f", target now {gap.target}."
        item.current_level, item.target_level, item.skill_name, item.order = gap.rating, gap.target, gap.name, position
        item.save(update_fields=["current_level", "target_level", "skill_name", "order", "updated_at"])
        events.append(PlanItemEvent(item=item, kind=PlanItemEvent.Kind.CARRIED, text=text, assessment=locked))
    after = len(gaps)
    for item in existing.values():
        if item.skill_id in gap_skill_ids:
            continue
        item.order = after
        after += 1
        if item.status == PlanItem.Status.DONE:
            item.save(update_fields=["order", "updated_at"])
            continue
        slug = Skill.objects.filter(pk=item.skill_id).values_list("slug", flat=True).first()
        if slug in levels:
            rating, target = levels[slug]
            basis = "on the calibrated ratings of" if calibrated else "in"
            text = f"Done: you now meet the target (level {rating} of {target} {basis} your report of {when})."
        else:
            text = f"Closed: the role no longer lists this skill (report of {when})."
        item.status = PlanItem.Status.DONE
        item.save(update_fields=["status", "order", "updated_at"])
        events.append(PlanItemEvent(item=item, kind=PlanItemEvent.Kind.CLOSED, text=text, assessment=locked))
    PlanItem.objects.bulk_create(new_items)
    added = "Added from your report of" if created else "Added: a new gap in your report of"
    if calibrated:
        added = "Added: a gap on the calibrated ratings of your report of"
    events += [
        PlanItemEvent(
            item=item,
            kind=PlanItemEvent.Kind.ADDED,
            text=f"{added} {when} (level {item.current_level}, target {item.target_level}).",
            assessment=locked,
        )
        for item in new_items
    ]
    PlanItemEvent.objects.bulk_create(events)


def _describe_changes(item, *, action, target_date, notes, status):
    from .models import PlanItem

    changes = []
    if status != item.status:
        changes.append(f"status {PlanItem.Status(item.status).label} → {PlanItem.Status(status).label}")
    if action != item.action:
        changes.append(f"action: {action}" if action else "action cleared")
    if target_date != item.target_date:
        changes.append(f"target date {target_date:%-d %b %Y}" if target_date else "target date cleared")
    if notes != item.notes:
        changes.append("notes edited")
    text = "; ".join(changes)
    return (text[:1].upper() + text[1:])[:590]


@transaction.atomic
def update_plan_item(*, item, action, target_date, notes, status):
    from .models import PlanItemEvent

    text = _describe_changes(item, action=action, target_date=target_date, notes=notes, status=status)
    item.action = action
    item.target_date = target_date
    item.notes = notes
    item.status = status
    item.save(update_fields=["action", "target_date", "notes", "status", "updated_at"])
    if text:
        PlanItemEvent.objects.create(item=item, kind=PlanItemEvent.Kind.EDITED, text=f"{text}.")
    return item


PLAN_ITEM_FIELDS = ("action", "target_date", "notes", "status")


@transaction.atomic
def update_plan_items(*, updates):
    """Save what the plan page's one form sent: `updates` is [(item, {action, target_date, notes,
    status})]. Items whose values did not change are left alone (no history line, no new
    `updated_at`); returns the items that changed."""
    changed = []
    for item, values in updates:
        if all(getattr(item, name) == values[name] for name in PLAN_ITEM_FIELDS):
            continue
        update_plan_item(item=item, **{name: values[name] for name in PLAN_ITEM_FIELDS})
        changed.append(item)
    return changed
