"""Reads for teams: scoped lookups (someone else's team is a 404), the team's view of a role,
and what a member sees on their dashboard. Each runs a fixed number of queries, whatever the
team's size (pinned in tests/test_query_budgets.py).

What a viewer may see of whom follows docs/teams.md ("Threat model"): a report counts only when
it was submitted after the role was assigned to its author and after they joined; named members
are shown by name; hidden contributors only inside a released review-cycle result, and only
while at least `TEAM_MIN_AGGREGATE` of them are neither the viewer nor shown by name.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from assessments.models import Assessment, PlanItem
from assessments.reports import build_report, scoring_inputs
from careerpath.owner import Owner
from careerpath.pagecache import cached_owner_values
from roles.models import Role, RoleSkill

from .matrix import Column, Person, individual_rows, member_report, result_from_record, team_summary
from .models import Assignment, CycleParticipant, Invitation, Membership, ReviewCycle


def display_name(user):
    return user.get_full_name() or user.get_username()


def memberships_of(user):
    return Membership.objects.owned_by(Owner.of_user(user)).select_related("team").order_by("team__name", "team_id")


def pending_requests_of(user):
    """Invitations `user` opened that wait for the team owner's confirmation."""
    return list(Invitation.objects.open().filter(pending_by=user).select_related("team").order_by("-pending_at", "-id"))


def teammates_of(user):
    """Everyone who shares a team with `user`, `user` excepted, by username: the people `user` may
    ask for a second opinion (reviews). One query when evaluated."""
    return (
        get_user_model()
        .objects.filter(team_memberships__team__memberships__user=user)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username", "id")
    )


def team_members(team):
    return list(Membership.objects.filter(team=team).select_related("user").order_by("joined_at", "id"))


def assignments_of(team):
    return list(
        Assignment.objects.filter(team=team)
        .select_related("role")
        .prefetch_related("targets__user")
        .order_by("-created_at", "-id")
    )


def open_cycles_of(team):
    """The team's open review cycles, each with its role (for the team page's notice)."""
    return list(ReviewCycle.objects.open().filter(team=team).select_related("role").order_by("closes_at", "id"))


def min_aggregate():
    return settings.TEAM_MIN_AGGREGATE


def assigned_role_or_404(team, role_slug):
    """A role assigned to the team, published or not (an unpublished one is answered 410 by the view)."""
    assigned = Assignment.objects.filter(team=team).values("role_id")
    role = Role.objects.only("id", "slug", "title", "is_published").filter(slug=role_slug, pk__in=assigned).first()
    if role is None:
        raise Http404("No such role assigned to this team.")
    return role


def assigned_since(team, role, members):
    """{membership id: since when their reports of `role` count}: the later of when the role was
    first assigned to them and when they joined. Members not assigned the role are absent."""
    rows = list(
        Assignment.objects.filter(team=team, role=role)
        .order_by("created_at")
        .values_list("pk", "everyone", "created_at")
    )
    chosen = Assignment.targets.through.objects.filter(assignment__team=team, assignment__role=role).values_list(
        "assignment_id", "membership_id"
    )
    by_assignment = {}
    for assignment_id, membership_id in chosen:
        by_assignment.setdefault(assignment_id, set()).add(membership_id)
    since = {}
    for pk, everyone, created_at in rows:
        for m in members:
            if (everyone or m.pk in by_assignment.get(pk, ())) and m.pk not in since:
                since[m.pk] = max(created_at, m.joined_at)
    return since


def latest_submitted(role, user_ids):
    """{user id: their latest submitted assessment of `role`} (without the snapshot)."""
    latest = (
        Assessment.objects.submitted()
        .filter(user_id=OuterRef("user_id"), role=role)
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    qs = Assessment.objects.submitted().filter(role=role, user_id__in=user_ids, pk=Subquery(latest))
    return {a.user_id: a for a in qs.defer("snapshot")}


def member_reports(assessments, newest):
    """{assessment id: its MemberReport}, and the newest one's courses and certifications
    (scoring inputs).

    Each comes from `assessments.reports.build_report` over the assessment's frozen snapshot, in
    this compact form (a full report of a 300-skill role takes milliseconds to unpickle), cached by
    the one page cache as each member's personal value (careerpath.pagecache.cached_owner_values:
    keyed and sealed by the member's owner key, so it goes with the member's account); the
    snapshots of the ones not in the cache are read in one query. Consent is applied after this,
    on every request: nothing here depends on who may see what.
    """
    wanted = {("report", a.pk): (Owner(user_id=a.user_id).scope, ("report", a.pk)) for a in assessments}
    if newest is not None:
        wanted["offerings", newest.pk] = (Owner(user_id=newest.user_id).scope, ("offerings", newest.pk))

    def compute(ids):
        fresh = {}
        for assessment in Assessment.objects.filter(pk__in={pk for _kind, pk in ids}).only("pk", "snapshot"):
            if ("report", assessment.pk) in ids:
                fresh["report", assessment.pk] = member_report(build_report(assessment.snapshot))
            if ("offerings", assessment.pk) in ids:
                _, courses, certifications, _ = scoring_inputs(assessment.snapshot)
                fresh["offerings", assessment.pk] = (tuple(courses), tuple(certifications))
        return fresh

    found = cached_owner_values("teams.member_report", wanted, compute) if wanted else {}
    reports = {a.pk: found["report", a.pk] for a in assessments}
    return reports, found["offerings", newest.pk] if newest is not None else ((), ())


def _plans(assessment_ids):
    items = {}
    if not assessment_ids:
        return items
    rows = PlanItem.objects.filter(plan__assessment_id__in=assessment_ids).select_related("plan")
    for item in rows.order_by("order", "id"):
        items.setdefault(item.plan.assessment_id, []).append(
            {
                "skill": item.skill_name,
                "target_level": item.target_level,
                "action": item.action,
                "status": item.get_status_display(),
                "target_date": item.target_date,
            }
        )
    return items


def role_columns(role):
    return [
        Column(slug=rs.skill.slug, name=rs.skill.name, kind=rs.kind, target=rs.target)
        for rs in RoleSkill.objects.filter(role=role).select_related("skill").order_by("order", "id")
    ]


def _cycles(team, role):
    participants = Prefetch("participants", queryset=CycleParticipant.objects.select_related("user").order_by("id"))
    return list(ReviewCycle.objects.filter(team=team, role=role).prefetch_related(participants).order_by("-opened_at"))


def hidden_from(cycle, *, viewer_id, named_ids):
    """How many of a released result's contributors `viewer_id` cannot see in any other way: not
    the viewer, not a member shown by name on the same page (docs/teams.md, promise 2)."""
    return sum(
        1 for p in cycle.participants.all() if p.contributed and p.user_id != viewer_id and p.user_id not in named_ids
    )


def _cycle_row(cycle, *, latest, viewer_id, named_ids, threshold):
    """One review cycle as the page and matrix.json list it."""
    people = list(cycle.participants.all())
    if cycle.is_open:
        done = {p.user_id for p in people if p.user_id in latest and latest[p.user_id].submitted_at >= cycle.opened_at}
    else:
        done = {p.user_id for p in people if p.submitted}
    row = {
        "cycle": cycle,
        "completion": [
            {"name": display_name(p.user) if p.user else "A deleted account", "done": p.user_id in done} for p in people
        ],
        "submitted": len(done),
        "people": len(people),
        "visible": False,
        "note": "",
    }
    if cycle.state == ReviewCycle.State.RELEASED:
        hidden = hidden_from(cycle, viewer_id=viewer_id, named_ids=named_ids)
        row["visible"] = hidden >= threshold
        if not row["visible"]:
            row["note"] = (
                f"Not shown to you: only {hidden} of its {cycle.contributors} contributors are neither you nor "
                f"shown by name here, fewer than {threshold}."
            )
    return row


def _cycle_data(row):
    cycle = row["cycle"]
    return {
        "id": cycle.pk,
        "state": cycle.state,
        "opened_at": cycle.opened_at,
        "closes_on": cycle.closes_on,
        "closed_at": cycle.closed_at,
        "submitted": row["submitted"],
        "people": row["people"],
        "contributors": cycle.contributors if cycle.released_at else None,
        "reason": cycle.withheld_reason or (row["note"] if cycle.state == ReviewCycle.State.RELEASED else ""),
    }


def team_role_view(team, role, viewer):
    """Everything the team page and its exports show of `role` to `viewer` (an owner or manager):
    completion, the named members' rows, the review cycles, the released result the viewer may
    see and the summary (coverage risks and team gaps)."""
    members = team_members(team)
    since = assigned_since(team, role, members)
    assigned = [m for m in members if m.pk in since]
    latest = latest_submitted(role, [m.user_id for m in assigned])
    counted = {
        m.pk: latest[m.user_id]
        for m in assigned
        if m.user_id in latest and latest[m.user_id].submitted_at >= since[m.pk]
    }
    named = [m for m in assigned if m.shares_individually and m.pk in counted]
    named_ids = {m.user_id for m in named}
    threshold = min_aggregate()

    cycles = _cycles(team, role)
    rows = [_cycle_row(c, latest=latest, viewer_id=viewer.pk, named_ids=named_ids, threshold=threshold) for c in cycles]
    result_row = next((r for r in rows if r["visible"]), None)
    result_cycle = result_row["cycle"] if result_row else None
    aggregate = result_from_record(result_cycle.result) if result_cycle else None

    reports_of = [counted[m.pk] for m in named]
    newest = max(reports_of, key=lambda a: (a.submitted_at, a.pk), default=None)
    reports, (courses, certifications) = member_reports(reports_of, newest)
    plans = _plans([counted[m.pk].pk for m in named if m.share_plan])
    columns = role_columns(role)
    people = [
        Person(
            display_name=display_name(m.user),
            report=reports[counted[m.pk].pk],
            share_evidence=m.share_evidence,
            plan=tuple(plans.get(counted[m.pk].pk, ())) if m.share_plan else None,
        )
        for m in named
    ]
    # A named member who is also one of the result's contributors is counted once, in the result.
    in_result = {p.user_id for p in result_cycle.participants.all() if p.contributed} if result_cycle else set()
    summary_named = [reports[counted[m.pk].pk] for m in named if m.user_id not in in_result]
    if newest is None and aggregate is not None:
        courses, certifications = aggregate.courses, aggregate.certifications
    open_row = next((r for r in rows if r["cycle"].is_open), None)
    completion = (
        open_row["completion"]
        if open_row
        else [{"name": display_name(m.user), "done": m.pk in counted} for m in assigned]
    )
    return {
        "columns": columns,
        "completion": completion,
        "completion_cycle": open_row["cycle"] if open_row else None,
        "members_submitted": [display_name(m.user) for m in assigned if m.pk in counted],
        "assigned_count": len(assigned),
        "individuals": individual_rows(columns, people),
        "cycles": rows,
        "cycles_data": [_cycle_data(r) for r in rows],
        "open_cycle": open_row["cycle"] if open_row else None,
        "due": open_row is not None and open_row["cycle"].closes_at <= timezone.now(),
        "open_progress": {"submitted": open_row["submitted"], "people": open_row["people"]} if open_row else None,
        "result_cycle": None
        if result_cycle is None
        else {
            "id": result_cycle.pk,
            "closed_on": timezone.localtime(result_cycle.closed_at).date().isoformat(),
            "contributors": result_cycle.contributors,
        },
        "result": result_cycle,
        "aggregate": aggregate,
        "summary": team_summary(columns, summary_named, aggregate, courses=courses, certifications=certifications),
        "min_aggregate": threshold,
    }


# --- the member's dashboard -------------------------------------------------------------------


def _my_assignments(user):
    return Assignment.objects.filter(Q(everyone=True) | Q(targets__user=user), team__memberships__user=user).distinct()


def dashboard_assignments(user):
    """The dashboard's "Assigned by your teams" rows: each with Start, Continue or Done, and the
    review cycle the person takes part in, if one is open. Done means submitted since the role was
    assigned and since they joined (and, while a cycle is open, since it opened)."""
    assignments = list(_my_assignments(user).select_related("team", "role").order_by("due_date", "-created_at"))
    if not assignments:
        return {"team_assignments": []}
    owner = Owner.of_user(user)
    joined = dict(Membership.objects.owned_by(owner).values_list("team_id", "joined_at"))
    now = timezone.now()
    cycles = {
        (p.cycle.team_id, p.cycle.role_id): p.cycle
        for p in CycleParticipant.objects.owned_by(owner)
        .filter(cycle__closed_at__isnull=True, cycle__closes_at__gt=now)
        .select_related("cycle")
        .order_by("cycle__opened_at")
    }
    mine = (
        Assessment.objects.owned_by(owner)
        .filter(role_id__in={a.role_id for a in assignments})
        .defer("snapshot")
        .order_by("-updated_at", "-id")
    )
    drafts, submitted = {}, {}
    for a in mine:
        if a.is_draft:
            drafts.setdefault(a.role_id, a)
        else:
            submitted.setdefault(a.role_id, []).append(a.submitted_at)
    rows = []
    for assignment in assignments:
        cycle = cycles.get((assignment.team_id, assignment.role_id))
        since = max(assignment.created_at, joined.get(assignment.team_id, assignment.created_at))
        if cycle is not None:
            since = max(since, cycle.opened_at)
        done = any(at >= since for at in submitted.get(assignment.role_id, ()))
        rows.append(
            {
                "assignment": assignment,
                "done": done,
                "draft": drafts.get(assignment.role_id),
                "cycle": cycle,
                "withdrawn": not assignment.role.is_published,
            }
        )
    return {"team_assignments": rows}


# --- download my data ---------------------------------------------------------------------------


def export_memberships(user):
    """The user's memberships and consents, for "Download my data"."""
    return [
        {
            "team": {"name": m.team.name, "slug": m.team.slug},
            "role": m.role,
            "joined_at": m.joined_at,
            "consent": m.consent,
            "share_evidence": m.share_evidence,
            "share_plan": m.share_plan,
            "consent_updated_at": m.consent_updated_at,
        }
        for m in memberships_of(user).order_by("joined_at", "id")
    ]


def export_team_records(user):
    """The rest of what teams hold that the user made or that names them, for "Download my data":
    invitations they created, invitations they used or asked to join through, and the review
    cycles they took part in (whether they submitted and whether they were counted)."""
    created = Invitation.objects.filter(created_by=user).select_related("team").order_by("created_at", "id")
    opened = (
        Invitation.objects.filter(Q(used_by=user) | Q(pending_by=user)).select_related("team").order_by("created_at")
    )
    cycles = (
        CycleParticipant.objects.owned_by(Owner.of_user(user))
        .select_related("cycle__team", "cycle__role")
        .order_by("id")
    )
    return {
        "team_invitations_created": [
            {
                "team": i.team.slug,
                "email": i.email,
                "role": i.role,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "status": i.status,
            }
            for i in created
        ],
        "team_invitations_opened": [
            {"team": i.team.slug, "role": i.role, "asked_at": i.pending_at, "joined_at": i.used_at, "status": i.status}
            for i in opened
        ],
        "team_review_cycles": [
            {
                "team": p.cycle.team.slug,
                "role": p.cycle.role.slug,
                "opened_at": p.cycle.opened_at,
                "closed_at": p.cycle.closed_at,
                "submitted": p.submitted,
                "counted_in_result": p.contributed,
                "state": p.cycle.state,
            }
            for p in cycles
        ],
    }
