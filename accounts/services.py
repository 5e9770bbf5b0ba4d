"""Writes and reads of a person's own account data."""

from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from . import hooks
from .models import Preferences

# The models whose rows of a person accounts' own part of the download holds (the apps' parts
# declare theirs with hooks.add_account_data).
OWN_DATA_MODELS = (
    "auth.User",
    "account.EmailAddress",
    "mfa.Authenticator",
    "socialaccount.SocialAccount",
    "accounts.Preferences",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "axes.AccessAttempt",
)


def export_user_data(*, user):
    """Everything careerpath holds about `user` or that names them, as plain JSON-ready data: the
    account's own, and each app's part (hooks.add_account_data)."""
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
        "two_factor": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "single_sign_on": [
            {"organisation": s.provider, "subject": s.uid, "first_used": s.date_joined, "last_used": s.last_login}
            for s in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "preferences": None
        if prefs is None
        else {"show_targets_while_rating": prefs.show_targets_while_rating, "updated_at": prefs.updated_at},
        **hooks.account_data(user),
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


@transaction.atomic
def delete_user_account(*, user):
    """Remove the account and everything it owns (each app's part: hooks.before_account_deletion),
    the sign-in records kept under its username (in any letter case) and every session it is signed
    in with, in the database and the cache. The owner's cached pages go with it: deleting the user
    drops their owner key (careerpath.pagecache), on every instance sharing the cache."""
    username = user.get_username()
    hooks.delete_account_data(user=user)
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
    prefs, _ = Preferences.objects.update_or_create(
        user=user, defaults={"show_targets_while_rating": show_targets_while_rating}
    )
    return prefs
