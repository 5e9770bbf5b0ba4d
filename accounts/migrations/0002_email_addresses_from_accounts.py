"""Each account made before django-allauth gets allauth's EmailAddress row for the email it signed up
with, as its primary address, NOT verified: careerpath never checked that anyone receives mail
there (the sign-up form only asked for it). The owner confirms it from "Your account" (a link by mail)
before anything that needs a verified address (accounts/emails.py). Passwords and sessions are
untouched: the password hashes stay in auth_user, and ModelBackend stays in AUTHENTICATION_BACKENDS."""

from django.db import migrations


def add_email_addresses(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    rows = []
    for user_id, email in User.objects.exclude(email="").values_list("id", "email").iterator():
        rows.append(EmailAddress(user_id=user_id, email=email.strip().lower(), primary=True, verified=False))
    EmailAddress.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def remove_unverified_email_addresses(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.filter(verified=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_preferences"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_email_addresses, remove_unverified_email_addresses)]
