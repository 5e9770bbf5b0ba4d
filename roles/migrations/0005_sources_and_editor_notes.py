"""Sources as data: a shared `Source` (key, title, publisher...) that every fact of a guide cites,
editors-only notes, and offerings that describe their format, cost and length.

The per-guide reference list (the old `Source` rows: titles such as "Bureau of Labor Statistics")
was the published guides' own bibliography; it now lives in the notes of the source that cites it.
Each item's old free-text `source` ("seed:003", "editorial (general knowledge)") becomes citations
of the shipped sources; text that names none of them is kept as the item's editor note.
"""

import django.db.models.deletion
from django.db import migrations, models

from roles.sources import ensure_shipped

EDITOR_HELP = "For editors only (merge and editing decisions). Never shown to readers."
ITEMS = [
    "responsibility",
    "developmentsuggestion",
    "nextstep",
    "careermove",
    "ladderlevel",
    "transitionpath",
    "salaryband",
    "hiringcompany",
    "industrysector",
    "faq",
]
OLD_KEYS = {"seed:000": "career-guide", "seed:003": "decipheru", "editorial": "careerpath-editors"}


def keep_old_sources(apps, schema_editor):
    """Park each item's old `source` text in its editor note (read back by `cite_old_sources`)."""
    for name in ITEMS:
        model = apps.get_model("roles", name)
        for obj in model.objects.exclude(source=""):
            obj.editor_note = f"Source (before citations): {obj.source}"
            obj.save(update_fields=["editor_note"])


def cite_old_sources(apps, schema_editor):
    source_model = apps.get_model("roles", "Source")
    ensure_shipped(source_model)
    by_key = {source.key: source for source in source_model.objects.all()}
    for name in ITEMS:
        model = apps.get_model("roles", name)
        for obj in model.objects.filter(editor_note__startswith="Source (before citations): "):
            text = obj.editor_note.removeprefix("Source (before citations): ")
            keys = [key for marker, key in OLD_KEYS.items() if marker in text]
            if keys:
                obj.sources.set([by_key[key] for key in keys])
                obj.editor_note = ""
                obj.save(update_fields=["editor_note"])


def sources_field(name):
    return models.ManyToManyField(blank=True, related_name="%(class)s_items", to="roles.source")


class Migration(migrations.Migration):
    dependencies = [("roles", "0004_merge_offering_levels_and_featured")]

    operations = [
        migrations.DeleteModel(name="Source"),
        migrations.CreateModel(
            name="Source",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.SlugField(max_length=60, unique=True)),
                ("title", models.CharField(max_length=300)),
                (
                    "short_name",
                    models.CharField(help_text='How a citation names it, e.g. "DecipherU".', max_length=60),
                ),
                (
                    "publisher",
                    models.CharField(blank=True, help_text="Blank when the source names none.", max_length=160),
                ),
                ("url", models.URLField(blank=True, max_length=500)),
                (
                    "date_reviewed",
                    models.DateField(
                        blank=True, help_text="The date the source says it was reviewed.", null=True
                    ),
                ),
                (
                    "notes",
                    models.TextField(blank=True, help_text="What readers should know about it (shown on guides)."),
                ),
                (
                    "is_editorial",
                    models.BooleanField(
                        default=False,
                        help_text="Written by careerpath editors rather than taken from a published source.",
                    ),
                ),
            ],
            options={"ordering": ["is_editorial", "title"]},
        ),
        *[
            migrations.AddField(
                model_name=name, name="editor_note", field=models.TextField(blank=True, help_text=EDITOR_HELP)
            )
            for name in ITEMS
        ],
        migrations.RunPython(keep_old_sources, migrations.RunPython.noop),
        *[migrations.RemoveField(model_name=name, name="source") for name in ITEMS],
        *[migrations.AddField(model_name=name, name="sources", field=sources_field(name)) for name in ITEMS],
        migrations.RunPython(cite_old_sources, migrations.RunPython.noop),
        migrations.AddField(
            model_name="role",
            name="editor_note",
            field=models.TextField(
                blank=True,
                help_text="For editors only: how the guide was merged and edited. Never shown to readers.",
            ),
        ),
        migrations.AddField(
            model_name="roleskill", name="editor_note", field=models.TextField(blank=True, help_text=EDITOR_HELP)
        ),
        migrations.AddField(
            model_name="roleskill",
            name="sources",
            field=models.ManyToManyField(blank=True, related_name="role_skills", to="roles.source"),
        ),
        migrations.AlterField(
            model_name="roleskill",
            name="commonly_missing",
            field=models.BooleanField(
                default=False, help_text='A source lists it among the skills commonly missing ("often missing").'
            ),
        ),
        migrations.AlterField(
            model_name="roleskill",
            name="note",
            field=models.TextField(blank=True, help_text="What this role needs of the skill, for readers."),
        ),
        migrations.AddField(
            model_name="rolecourse", name="editor_note", field=models.TextField(blank=True, help_text=EDITOR_HELP)
        ),
        migrations.AddField(
            model_name="rolecourse",
            name="sources",
            field=models.ManyToManyField(blank=True, related_name="role_courses", to="roles.source"),
        ),
        migrations.AddField(
            model_name="rolecertification",
            name="editor_note",
            field=models.TextField(blank=True, help_text=EDITOR_HELP),
        ),
        migrations.AddField(
            model_name="rolecertification",
            name="sources",
            field=models.ManyToManyField(blank=True, related_name="role_certifications", to="roles.source"),
        ),
        *[
            op
            for model, default in (("course", "course"), ("certification", "certification"))
            for op in (
                migrations.AddField(
                    model_name=model,
                    name="format",
                    field=models.CharField(
                        choices=[("course", "Course"), ("book", "Book"), ("certification", "Certification")],
                        default=default,
                        max_length=16,
                    ),
                ),
                migrations.AddField(
                    model_name=model,
                    name="cost",
                    field=models.CharField(
                        choices=[("free", "Free"), ("paid", "Paid"), ("unknown", "Cost unknown")],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                migrations.AddField(
                    model_name=model,
                    name="typical_length",
                    field=models.CharField(
                        blank=True, help_text="Only when a source gives it, e.g. “4 weeks”.", max_length=80
                    ),
                ),
            )
        ],
        migrations.CreateModel(
            name="RoleFieldSource",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("summary", "Summary"),
                            ("about", "About the role"),
                            ("median_salary", "Median salary"),
                            ("salary_note", "Salary note"),
                            ("growth", "Growth outlook and trend"),
                            ("entry_level", "Entry-level"),
                            ("ai_impact", "AI impact"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="field_sources", to="roles.role"
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="role_fields", to="roles.source"
                    ),
                ),
            ],
            options={
                "ordering": ["role", "field", "source__key"],
                "constraints": [
                    models.UniqueConstraint(fields=("role", "field", "source"), name="rolefieldsource_once_per_field")
                ],
            },
        ),
    ]
