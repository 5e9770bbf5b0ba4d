"""Courses and certifications teach each skill to a level: explicit through models.

The old automatic tables (`roles_course_skills`, `roles_certification_skills`) are copied into
`CourseSkill`/`CertificationSkill` with level 3 (Practitioner), the level a course most often
reaches, then dropped; re-importing the shipped role files sets each level as the files give it.
"""

import django.db.models.deletion
from django.db import migrations, models

LEVELS = [(1, "1 — Awareness"), (2, "2 — Beginner"), (3, "3 — Practitioner"), (4, "4 — Advanced"), (5, "5 — Expert")]


def copy_links(apps, schema_editor):
    for owner, through_name in (("course", "CourseSkill"), ("certification", "CertificationSkill")):
        model = apps.get_model("roles", owner.capitalize())
        through = apps.get_model("roles", through_name)
        old = model.skills.through
        rows = [
            through(**{f"{owner}_id": row[0]}, skill_id=row[1], level=3, order=index)
            for index, row in enumerate(old.objects.order_by("pk").values_list(f"{owner}_id", "skill_id"))
        ]
        through.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("roles", "0002_content_revision")]

    operations = [
        migrations.CreateModel(
            name="CourseSkill",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=LEVELS, help_text="The level a learner who completes the course reaches."
                    ),
                ),
                ("order", models.PositiveIntegerField(default=0)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="skill_links", to="roles.course"
                    ),
                ),
                (
                    "skill",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="course_links", to="roles.skill"
                    ),
                ),
            ],
            options={
                "ordering": ["course", "order", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("course", "skill"), name="courseskill_skill_once_per_course"),
                    models.CheckConstraint(
                        condition=models.Q(("level__gte", 1), ("level__lte", 5)), name="courseskill_level_1_5"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CertificationSkill",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=LEVELS, help_text="The level a holder of the certification has shown."
                    ),
                ),
                ("order", models.PositiveIntegerField(default=0)),
                (
                    "certification",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="skill_links",
                        to="roles.certification",
                    ),
                ),
                (
                    "skill",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="certification_links",
                        to="roles.skill",
                    ),
                ),
            ],
            options={
                "ordering": ["certification", "order", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("certification", "skill"), name="certificationskill_skill_once_per_certification"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("level__gte", 1), ("level__lte", 5)), name="certificationskill_level_1_5"
                    ),
                ],
            },
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
        migrations.RemoveField(model_name="course", name="skills"),
        migrations.RemoveField(model_name="certification", name="skills"),
        migrations.AddField(
            model_name="course",
            name="skills",
            field=models.ManyToManyField(
                blank=True, related_name="courses", through="roles.CourseSkill", to="roles.skill"
            ),
        ),
        migrations.AddField(
            model_name="certification",
            name="skills",
            field=models.ManyToManyField(
                blank=True, related_name="certifications", through="roles.CertificationSkill", to="roles.skill"
            ),
        ),
    ]
