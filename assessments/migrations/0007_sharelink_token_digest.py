# Share links keep the SHA-256 of their token, not the token (careerpath/tokens.py; issue 25).
#
# Existing links keep working: each link's digest is computed from the token it had, and the token
# column is then dropped. Going back (migrating to 0006) cannot bring the dropped tokens back: each
# link gets a new random token, so links given out before are rotated (they stop opening).

import hashlib
import secrets

from django.db import migrations, models

BATCH = 1000


def keep_digests(apps, schema_editor):
    ShareLink = apps.get_model("assessments", "ShareLink")
    links = list(ShareLink.objects.only("pk", "token").iterator(chunk_size=BATCH))
    for link in links:
        link.token_digest = hashlib.sha256(link.token.encode()).hexdigest()
    ShareLink.objects.bulk_update(links, ["token_digest"], batch_size=BATCH)


def new_tokens(apps, schema_editor):
    ShareLink = apps.get_model("assessments", "ShareLink")
    links = list(ShareLink.objects.only("pk").iterator(chunk_size=BATCH))
    for link in links:
        link.token = secrets.token_urlsafe(32)
    ShareLink.objects.bulk_update(links, ["token"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0006_sharelink_include_reviews'),
    ]

    operations = [
        migrations.AddField(
            model_name='sharelink',
            name='token_digest',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(keep_digests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='sharelink',
            name='token',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, new_tokens),
        migrations.RemoveField(
            model_name='sharelink',
            name='token',
        ),
        migrations.AlterField(
            model_name='sharelink',
            name='token_digest',
            field=models.CharField(editable=False, help_text="SHA-256 of the link's token (careerpath/tokens.py): the token is shown once, never stored.", max_length=64, unique=True),
        ),
    ]
