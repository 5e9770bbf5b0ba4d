"""Reads for teams: scoped lookups (someone else's team is a 404), the team's view of a role,
and what a member sees on their dashboard. Each runs a fixed number of queries, whatever the
team's size (pinned in tests/test_query_budgets.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import Assessment, PlanItem
from assessments.owners import Owner
from assessments.reports import build_report, scoring_inputs
from careerpath.pagecache import cached_owner_values
from roles.models import Role, RoleSkill

from .matrix import Column, Contributor, build_matrix, member_skills
from .models import Assignment, Membership


def display_name(user):
    return user.get_full_name() or user.get_username()


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related("team").order_by("team__name", "team_id")


def get_membership_or_404(user, slug):
    """The requester's own membership of team `slug`: a non-member (staff too) gets a 404."""
    return get_object_or_404(Membership.objects.select_related("team"), team__slug=slug, user=user)


def get_managing_membership_or_404(user, slug):
    """Owners and managers only; a plain member gets a 404 like a stranger."""
    membership = get_membership_or_404(user, slug)
    if not membership.can_manage:
        raise Http404("No such team page.")
    return membership


def get_owner_membership_or_404(user, slug):
    membership = get_membership_or_404(user, slug)
    if not membership.is_owner:
        raise Http404("No such team page.")
    return membership


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


def min_aggregate():
    return settings.TEAM_MIN_AGGREGATE


def assigned_role_or_404(team, role_slug):
    assigned = Assignment.objects.filter(team=team).values("role_id")
    role = Role.objects.only("id", "slug", "title", "is_published").filter(slug=role_slug, pk__in=assigned).first()
    if role is None:
        raise Http404("No such role assigned to this team.")
    return role


def _assigned_since(team, role, members):
    """{membership id: when they were first assigned this role} for the assigned members."""
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
                since[m.pk] = created_at
    return since


def _latest_submitted(role, user_ids):
    """{user id: their latest submitted assessment of `role`} (without the snapshot)."""
    latest = (
        Assessment.objects.submitted()
        .filter(user_id=OuterRef("user_id"), role=role)
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    qs = Assessment.objects.submitted().filter(role=role, user_id__in=user_ids, pk=Subquery(latest))
    return {a.user_id: a for a in qs.defer("snapshot")}


def _member_reports(assessments, newest):
    """{assessment id: its report's skills (MemberSkill)}, and the newest one's courses and
    certifications (scoring inputs).

    Each comes from `assessments.reports.build_report` over the assessment's frozen snapshot, in
    this compact form (a full report of a 300-skill role takes milliseconds to unpickle), cached by
    the one page cache as each member's personal value (careerpath.pagecache.cached_owner_values:
    keyed and sealed by the member's owner key, so it goes with the member's account); the
    snapshots of the ones not in the cache are read in one query. Consent is applied after this,
    on every request: nothing here depends on who may see what.
    """
    wanted = {("skills", a.pk): (Owner(user_id=a.user_id).scope, ("skills", a.pk)) for a in assessments}
    if newest is not None:
        wanted["offerings", newest.pk] = (Owner(user_id=newest.user_id).scope, ("offerings", newest.pk))

    def compute(ids):
        fresh = {}
        for assessment in Assessment.objects.filter(pk__in={pk for _kind, pk in ids}).only("pk", "snapshot"):
            if ("skills", assessment.pk) in ids:
                fresh["skills", assessment.pk] = member_skills(build_report(assessment.snapshot))
            if ("offerings", assessment.pk) in ids:
                _, courses, certifications, _ = scoring_inputs(assessment.snapshot)
                fresh["offerings", assessment.pk] = (tuple(courses), tuple(certifications))
        return fresh

    found = cached_owner_values("teams.member_report", wanted, compute)
    skills = {a.pk: found["skills", a.pk] for a in assessments}
    return skills, found["offerings", newest.pk] if newest is not None else ((), ())


def _plans(assessment_ids):
    items = {}
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


def _columns(role):
    return [
        Column(slug=rs.skill.slug, name=rs.skill.name, kind=rs.kind, target=rs.target)
        for rs in RoleSkill.objects.filter(role=role).select_related("skill").order_by("order", "id")
    ]


def team_role_view(team, role):
    """Completion (names only), and the matrix built from consenting members' latest reports."""
    members = team_members(team)
    since = _assigned_since(team, role, members)
    assigned = [m for m in members if m.pk in since]
    submitted = _latest_submitted(role, [m.user_id for m in assigned])
    completion = []
    for m in assigned:
        latest = submitted.get(m.user_id)
        done = latest is not None and latest.submitted_at >= since[m.pk]
        completion.append({"name": display_name(m.user), "done": done, "has_report": latest is not None})
    consenting = [m for m in assigned if m.contributes_aggregates and m.user_id in submitted]
    reports = [submitted[m.user_id] for m in consenting]
    newest = max(reports, key=lambda a: (a.submitted_at, a.pk), default=None)
    skills, (courses, certifications) = _member_reports(reports, newest)
    plans = _plans([submitted[m.user_id].pk for m in consenting if m.share_plan])
    contributors = [
        Contributor(
            display_name=display_name(m.user),
            skills=skills[submitted[m.user_id].pk],
            individual=m.shares_individually,
            share_evidence=m.share_evidence,
            plan=tuple(plans.get(submitted[m.user_id].pk, ())) if m.share_plan else None,
        )
        for m in consenting
    ]
    matrix = build_matrix(
        _columns(role), contributors, min_contributors=min_aggregate(), courses=courses, certifications=certifications
    )
    return {
        "completion": completion,
        "members_submitted": [c["name"] for c in completion if c["has_report"]],
        "matrix": matrix,
    }


# --- the member's dashboard -------------------------------------------------------------


def _my_assignments(user):
    return Assignment.objects.filter(Q(everyone=True) | Q(targets__user=user), team__memberships__user=user).distinct()


def dashboard_assignments(user):
    """The dashboard's "Assigned by your teams" rows: each with Start, Continue or Done."""
    assignments = list(_my_assignments(user).select_related("team", "role").order_by("due_date", "-created_at"))
    if not assignments:
        return {"team_assignments": []}
    mine = (
        Assessment.objects.owned_by(user)
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
        done = any(at >= assignment.created_at for at in submitted.get(assignment.role_id, ()))
        rows.append({"assignment": assignment, "done": done, "draft": drafts.get(assignment.role_id)})
    return {"team_assignments": rows}


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
