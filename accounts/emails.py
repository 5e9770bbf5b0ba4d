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


def verified_addresses(user_ids):
    """Where each of these accounts receives mail: its verified primary address, or another verified
    one when the primary is not (allauth lets a person add addresses before confirming them). An
    account with no verified address is left out: nothing is mailed to an address nobody proved."""
    addresses = {}
    for user_id, email in (
        EmailAddress.objects.filter(user_id__in=user_ids, verified=True)
        .order_by("user_id", "-primary", "pk")
        .values_list("user_id", "email")
    ):
        addresses.setdefault(user_id, email)
    return addresses
