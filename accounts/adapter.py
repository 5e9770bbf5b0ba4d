"""careerpath's django-allauth adapter: allauth's account flows in careerpath's words and rules.

- Form errors for a username or an email already in use say no more than they must
  (accounts/tests/test_signup_enumeration.py says why each says what it says).
- `get_client_ip` is `accounts.throttling.client_address`, the address django-axes and the sign-up
  and password-reset throttles count against, so every limit agrees on who is asking.
- `is_safe_url` follows `next` only to a path on this site or an absolute http(s) URL to this host
  (`accounts.redirects.is_safe_next`), as the log-in and sign-up pages did before allauth.
- `login` remembers the session key a visitor had before logging in (`VISITOR_SESSION_KEY` on the
  request): logging in gives the session a new key, and the visitor's drafts are filed under the old
  one. Whoever keeps visitor data (assessments) reads it in a `user_logged_in` receiver.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from .forms import EMAIL_IN_USE, USERNAME_TAKEN
from .redirects import is_safe_next
from .throttling import client_address

VISITOR_SESSION_KEY = "careerpath_visitor_session_key"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_taken": EMAIL_IN_USE,
        "username_taken": USERNAME_TAKEN,
        # Django's words, the same for an unknown username and a wrong password
        "username_password_mismatch": "Please enter a correct username and password. Note that both fields may be "
        "case-sensitive.",
    }

    def get_client_ip(self, request):
        return client_address(request)

    def is_safe_url(self, url):
        request = context.request
        return is_safe_next(url, host=request.get_host(), secure=request.is_secure())

    def login(self, request, user):
        if not hasattr(request, VISITOR_SESSION_KEY):
            setattr(request, VISITOR_SESSION_KEY, request.session.session_key)
        super().login(request, user)
