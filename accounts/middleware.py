"""Staff enrol a second factor before they use the admin.

Staff publish role guides and see every team in the admin, so a stolen password alone must not
open it. `StaffTwoFactorMiddleware` sends a signed-in staff member who has no authenticator app
(TOTP) to the page that sets one up, with a message saying why, whatever admin URL they opened.
Once enrolled, every log-in asks for a code: the admin's own log-in form is allauth's
(`accounts.views.admin_login_through_site_login`), so no path skips the second step.
Members may enrol too ("Two-factor authentication" on their account page); for them it is optional.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

STAFF_MUST_ENROL = (
    "Staff need two-factor authentication before using the admin: set up an authenticator app below "
    "(it takes a minute), then open the admin again."
)


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: any other page must not load the user here (a database outage while
        # loading it is for the view's own 503 handling, careerpath.middleware).
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff and not has_totp(user):
            messages.warning(request, STAFF_MUST_ENROL)
            return redirect(reverse("mfa_activate_totp") + "?next=" + reverse("admin:index"))
        return self.get_response(request)
