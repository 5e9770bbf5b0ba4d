"""After 0003 filled every plan's owner and role: make them required and one plan per person and role.
(A separate migration: PostgreSQL cannot alter a table with the data migration's pending triggers.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_plan_per_role"),
        ("roles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="plan",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="plans", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AlterField(
            model_name="plan",
            name="role",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="roles.role"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(fields=("user", "role"), name="plan_one_per_user_and_role"),
        ),
    ]
