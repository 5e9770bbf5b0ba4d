import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User

PASSWORD = "correct-horse-battery-staple"


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
    def verified(obj, create, extracted, **kwargs):
        if create and obj.email:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"primary": True, "verified": extracted is not False}
            )
