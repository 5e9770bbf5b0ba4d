import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import User

PASSWORD = "correct-horse-battery-staple"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the persona "staff"'s authenticator app (base32)


def enrol_totp(user, secret=STAFF_TOTP_SECRET):
    """Give `user` an authenticator app (TOTP) and recovery codes, as enrolling on the site does."""
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret, *, step=0):
    """The code an authenticator app shows for `secret` now (`step` 30-second steps later)."""
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter + step))


def recovery_codes_of(user):
    return RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()


class UserFactory(factory.django.DjangoModelFactory):
    """An account with a password and an email address (allauth's EmailAddress row too).

    `verified=True` (the default) is an address its owner confirmed; `verified=False` one they
    have not yet, as after sign-up before they open the link."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Staff have enrolled an authenticator app (they must, before the admin opens); pass
        `totp=False` for staff who have not yet."""
        if create and obj.is_staff and extracted is not False:
            enrol_totp(obj)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and obj.email:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"primary": True, "verified": extracted is not False}
            )
