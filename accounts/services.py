"""Writes and reads of a person's own account data."""

from importlib import import_module

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment
from reviews.selectors import export_reviews
from reviews.services import forget_reviewer
from teams import selectors as team_selectors
from teams import services as team_services

from .models import Preferences


def export_user_data(*, user):
    """Everything careerpath holds about `user` or that names them, as plain JSON-ready data."""
    assessments = (
        Assessment.objects.owned_by(user)
        .select_related("role", "current_role")
        .prefetch_related("ratings__skill", "share_links", "plan__items__events")
        .order_by("created_at", "id")
    )
    prefs = Preferences.objects.filter(user=user).first()
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "preferences": None
        if prefs is None
        else {"show_targets_while_rating": prefs.show_targets_while_rating, "updated_at": prefs.updated_at},
        "assessments": [_assessment_data(a) for a in assessments],
        "reviews": export_reviews(user),  # reviews: ratings received and given, requests (and to whom), calibrations
        "teams": team_selectors.export_memberships(user),
        **team_selectors.export_team_records(user),  # invitations made and opened, review cycles taken part in
        "login_records": _login_records(user),
    }


def _login_records(user):
    """The sign-in records django-axes keeps under the username (any letter case)."""
    username = user.get_username()
    return {
        "logins": [
            {
                "at": r.attempt_time,
                "logged_out_at": r.logout_time,
                "ip_address": r.ip_address,
                "user_agent": r.user_agent,
            }
            for r in AccessLog.objects.filter(username__iexact=username).order_by("attempt_time", "id")
        ],
        "failed_logins": [
            {"at": r.attempt_time, "ip_address": r.ip_address, "user_agent": r.user_agent}
            for r in AccessFailureLog.objects.filter(username__iexact=username).order_by("attempt_time", "id")
        ],
        "lockout_counters": [
            {"ip_address": r.ip_address, "failures": r.failures_since_start, "last_attempt": r.attempt_time}
            for r in AccessAttempt.objects.filter(username__iexact=username).order_by("attempt_time", "id")
        ],
    }


def _assessment_data(assessment):
    plan = getattr(assessment, "plan", None)  # reverse one-to-one: None when there is no plan
    return {
        "id": assessment.pk,
        "role": {"slug": assessment.role.slug, "title": assessment.role.title},
        "status": assessment.status,
        "current_role": assessment.current_role.slug if assessment.current_role else None,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
        "ratings": [
            {
                "skill": r.skill.slug,
                "skill_name": r.skill.name,
                "level": r.level,
                "evidence": r.evidence,
                "updated_at": r.updated_at,
                "carried_over": r.is_prefilled,
            }
            for r in assessment.ratings.all()
        ],
        "share_links": [
            {
                "display_name": s.display_name,
                "include_plan": s.include_plan,
                "include_current_role": s.include_current_role,
                "include_evidence": s.include_evidence,
                "include_reviews": s.include_reviews,
                "created_at": s.created_at,
                "revoked_at": s.revoked_at,
            }
            for s in assessment.share_links.all()
        ],
        "plan": None
        if plan is None
        else [
            {
                "skill": item.skill_name,
                "current_level": item.current_level,
                "target_level": item.target_level,
                "action": item.action,
                "target_date": item.target_date,
                "notes": item.notes,
                "status": item.status,
                "history": [{"at": e.at, "kind": e.kind, "text": e.text} for e in item.events.all()],
            }
            for item in plan.items.all()
        ],
    }


@transaction.atomic
def delete_user_account(*, user):
    """Remove the account and everything it owns (assessments, ratings, share links, plans), the
    sign-in records kept under its username (in any letter case) and every session it is signed
    in with, in the database and the cache. The owner's cached pages go with it: deleting the user
    replaces their owner key (assessments.owners), on every instance sharing the cache."""
    username = user.get_username()
    forget_reviewer(user=user)  # reviews: the reviews they gave go; their assessments' reviews go with them
    Assessment.objects.owned_by(user).delete()
    team_services.remove_user_from_all_teams(user=user)  # memberships go; results that counted them are withdrawn
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        model.objects.filter(username__iexact=username).delete()
    end_sessions(user=user)
    user.delete()


def end_sessions(*, user):
    """Sign `user` out everywhere: delete each session that is theirs through the session engine,
    so a cached session (cached_db) goes from the cache as well as the database. Sessions carry no
    user column, so each unexpired one is read once; this runs only when an account is deleted."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    mine = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == mine:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def save_preferences(*, user, show_targets_while_rating):
    from assessments.owners import changed

    prefs, _ = Preferences.objects.update_or_create(
        user=user, defaults={"show_targets_while_rating": show_targets_while_rating}
    )
    changed(user)  # the step pages cached for this person show targets or not
    return prefs
