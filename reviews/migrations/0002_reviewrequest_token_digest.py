# Review requests keep the SHA-256 of their link's token, not the token (careerpath/tokens.py; issue 25).
#
# Existing links keep working: each request's digest is computed from the token it had, and the
# token column is then dropped. A request to a teammate by name has no link (its token was never
# shown): it keeps no digest. Going back (migrating to 0001) cannot bring the dropped tokens back:
# each request gets a new random token, so links given out before are rotated (they stop opening).

import hashlib
import secrets

from django.db import migrations, models

BATCH = 1000


def keep_digests(apps, schema_editor):
    ReviewRequest = apps.get_model("reviews", "ReviewRequest")
    requests = list(ReviewRequest.objects.only("pk", "token", "invitee_id").iterator(chunk_size=BATCH))
    for review_request in requests:
        if review_request.invitee_id is None:
            review_request.token_digest = hashlib.sha256(review_request.token.encode()).hexdigest()
    ReviewRequest.objects.bulk_update(requests, ["token_digest"], batch_size=BATCH)


def new_tokens(apps, schema_editor):
    ReviewRequest = apps.get_model("reviews", "ReviewRequest")
    requests = list(ReviewRequest.objects.only("pk").iterator(chunk_size=BATCH))
    for review_request in requests:
        review_request.token = secrets.token_urlsafe(32)
    ReviewRequest.objects.bulk_update(requests, ["token"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0001_second_opinions'),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewrequest',
            name='token_digest',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(keep_digests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='reviewrequest',
            name='token',
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, new_tokens),
        migrations.RemoveField(
            model_name='reviewrequest',
            name='token',
        ),
        migrations.AlterField(
            model_name='reviewrequest',
            name='token_digest',
            field=models.CharField(editable=False, help_text="SHA-256 of the link's token (careerpath/tokens.py), shown once and never stored; none for a request to a teammate, who takes it from their dashboard.", max_length=64, null=True, unique=True),
        ),
    ]
