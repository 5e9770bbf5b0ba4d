"""Sign-up and password reset (django-allauth's, throttled), and the account's own data: settings,
export and deletion. Logging in is allauth's view as it is; django-axes' middleware answers a
locked-out log-in (accounts/throttling.py)."""

import json
from functools import wraps
from urllib.parse import urlencode

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST, require_safe

from .emails import has_verified_email
from .forms import DeleteAccountForm, PreferencesForm
from .middleware import has_totp
from .models import preferences_for, remember_in_session
from .redirects import safe_next
from .services import delete_user_account, export_user_data, save_preferences
from .throttling import password_reset_throttled, signup_throttled


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, each POST counted against the client address (accounts/throttling.py)."""

    def post(self, request, *args, **kwargs):
        if throttled := signup_throttled(request):
            return throttled
        return super().post(request, *args, **kwargs)


class PasswordResetView(allauth_views.PasswordResetView):
    """allauth's password reset, throttled per client address and per email address typed in, with a
    mail of our own words and the link only (templates/account/email/password_reset_key_*.txt)."""

    def post(self, request, *args, **kwargs):
        if throttled := password_reset_throttled(request):
            return throttled
        return super().post(request, *args, **kwargs)


def admin_login_through_site_login(admin_login):
    """Django admin's log-in view, which would check only a password: a visitor, and any POST, goes to
    the site's log-in (django-axes, then the code of an enrolled account), coming back to the admin.
    A signed-in person still sees the admin's own page by GET (staff: on to the index; others: "you are
    not authorised")."""

    @wraps(admin_login)
    def view(request, *args, **kwargs):
        if request.user.is_authenticated and request.method in ("GET", "HEAD"):
            return admin_login(request, *args, **kwargs)
        target = safe_next(request) or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")

    return view


signup = sensitive_post_parameters("password1", "password2")(SignupView.as_view())
password_reset = PasswordResetView.as_view()


@never_cache
@login_required
@require_safe
def account_settings(request):
    form = PreferencesForm(instance=preferences_for(request.user))
    context = {
        "preferences_form": form,
        "email_verified": has_verified_email(request.user, request.user.email),
        "two_factor": has_totp(request.user),
    }
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST, instance=preferences_for(request.user))
    if not form.is_valid():  # a checkbox cannot be invalid; kept for any field added later
        messages.error(request, "Not saved: check your preferences.")
        return render(request, "accounts/settings.html", {"preferences_form": form}, status=400)
    remember_in_session(request, save_preferences(user=request.user, **form.cleaned_data))
    messages.success(request, "Preferences saved.")
    return redirect("accounts:settings")


@never_cache
@login_required
@require_GET
def export_my_data(request):
    data = export_user_data(user=request.user)
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="careerpath-my-data-{stamp}.json"'
    return response


@never_cache
@login_required
@sensitive_post_parameters("password")
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_user_account(user=user)
        messages.success(request, "Your account and all your assessments have been deleted.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
