# OwnerKey moves here from assessments, whose 0008 renamed its table to careerpath_ownerkey: this only
# tells Django's state that the table is careerpath's.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessments', '0008_owner_key_moves_to_the_page_cache'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OwnerKey',
                    fields=[
                        ('scope', models.CharField(max_length=64, primary_key=True, serialize=False)),
                        ('key', models.BinaryField(max_length=32)),
                    ],
                ),
            ],
        ),
    ]
