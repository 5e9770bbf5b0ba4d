"""Which email addresses an account has verified: django-allauth's EmailAddress rows.

Sign-up sends a verification link (accounts/adapter.py, templates/account/email/); an account made
before allauth has its address unverified (accounts/migrations/0002). Whatever needs a person's
identity (a team invitation sent to an address joins at once only for its verified owner:
teams/services.py) asks here, and nowhere else decides on an address being verified.
"""

from allauth.account.models import EmailAddress


def has_verified_email(user, email):
    """Whether `user` has proved they receive mail at `email` (any letter case)."""
    if not getattr(user, "pk", None) or not email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email.strip(), verified=True).exists()


def has_any_verified_email(user):
    return bool(getattr(user, "pk", None)) and EmailAddress.objects.filter(user=user, verified=True).exists()
