# Joins two branches' migrations (wt-content's offering levels and main's featured roles) so this
# branch migrates; the lead may drop it when renumbering at merge.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0003_offering_skill_levels"),
        ("roles", "0003_role_featured"),
    ]

    operations = []
