"""A person's preferences: a row per account, made the first time they change one."""

from django.conf import settings
from django.db import models


class Preferences(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    show_targets_while_rating = models.BooleanField(
        default=False,
        help_text="Show each skill's target level while rating. Off by default, so the target does not "
        "pull a rating towards it; the review page and the report always show targets.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self):
        return f"Preferences of {self.user}"


def preferences_for(user):
    """The user's preferences (unsaved defaults for a visitor or someone who never changed them)."""
    if not user.is_authenticated:
        return Preferences()
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


SESSION_KEY = "prefs:show_targets"


def show_targets_while_rating(request):
    """The requester's "show targets while rating" preference, read from their session.

    The preference rides in the session, so the cached step page reads no table for it: its value is
    part of the page's key (`session=[SESSION_KEY]` on assessments.views.step_page). It is copied
    there when the person logs in and whenever they save it; another device's session keeps its
    own copy until it next logs in, and gets the page of that copy."""
    return request.user.is_authenticated and bool(request.session.get(SESSION_KEY, False))


def remember_in_session(request, prefs):
    request.session[SESSION_KEY] = prefs.show_targets_while_rating
