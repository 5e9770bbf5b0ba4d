"""Sign up, log in (keeping a visitor's draft), and the account's own data: export and deletion."""

import json
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST, require_safe

from assessments.services import claim_session_drafts

from .forms import DeleteAccountForm, PreferencesForm, SignupForm
from .models import preferences_for, remember_in_session
from .services import delete_user_account, export_user_data, save_preferences
from .throttling import password_reset_throttled, signup_throttled


def _claim_visitor_drafts(request, user, session_key):
    claimed = claim_session_drafts(session_key=session_key, user=user)
    if claimed:
        messages.info(request, "Your assessment in progress is now saved to your account.")


@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect("assessments:dashboard")
    if request.method == "POST" and (throttled := signup_throttled(request)):
        return throttled
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        session_key = request.session.session_key
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        _claim_visitor_drafts(request, user, session_key)
        return redirect(safe_next(request) or reverse("assessments:dashboard"))
    return render(request, "registration/signup.html", {"form": form, "next": safe_next(request)})


def safe_next(request):
    """The `next` the request carries when it is a safe redirect target, else "".

    Safe means a path on this site ("/roles/", not "//evil.example") or an absolute http(s) URL to
    this host. Anything else ("dashboard", "*x") is refused rather than handed to `redirect()`,
    which would try to reverse it as a view name (a 500 after the account was already made).
    """
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    is_path = nxt.startswith("/")
    is_absolute = urlsplit(nxt).scheme in ("http", "https")
    if (is_path or is_absolute) and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return ""


class SafeNextMixin:
    """Django's login and logout views, following `next` only under the same rule as signup."""

    def get_redirect_url(self):
        return safe_next(self.request)


class LoginView(SafeNextMixin, auth_views.LoginView):
    """Django's login, which also moves a visitor's draft assessments to the account."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        session_key = self.request.session.session_key
        response = super().form_valid(form)
        remember_in_session(self.request, preferences_for(form.get_user()))
        _claim_visitor_drafts(self.request, form.get_user(), session_key)
        return response


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per client address and per email address typed in, with a
    mail of our own words and the link only (accounts/tests/test_password_reset_mail.py)."""

    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"

    def post(self, request, *args, **kwargs):
        if throttled := password_reset_throttled(request):
            return throttled
        return super().post(request, *args, **kwargs)


@never_cache
@login_required
@require_safe
def account_settings(request):
    form = PreferencesForm(instance=preferences_for(request.user))
    return render(request, "accounts/settings.html", {"preferences_form": form})


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
