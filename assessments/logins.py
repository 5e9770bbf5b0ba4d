"""A visitor's drafts follow them into the account they log in or sign up with."""

from django.contrib import messages

from accounts.adapter import VISITOR_SESSION_KEY

from .services import claim_session_drafts


def claim_visitor_drafts(sender, request, user, **kwargs):
    """`user_logged_in` receiver. Logging in gives the session a new key; the adapter kept the key
    the visitor's drafts are filed under (accounts/adapter.py)."""
    session_key = getattr(request, VISITOR_SESSION_KEY, None) if request is not None else None
    if session_key and claim_session_drafts(session_key=session_key, user=user):
        messages.info(request, "Your assessment in progress is now saved to your account.")
