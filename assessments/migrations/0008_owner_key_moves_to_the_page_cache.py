# The owner keys belong to the page cache (careerpath.OwnerKey, the bottom layer; docs/architecture.md).
# The table is renamed, not copied, so every stored page stays reachable; careerpath's 0001 takes the
# model over in Django's state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0007_sharelink_token_digest'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name='ownerkey', table='careerpath_ownerkey')],
            state_operations=[migrations.DeleteModel(name='OwnerKey')],
        ),
    ]
