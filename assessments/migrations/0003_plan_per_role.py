"""One plan per person and role: plans gain their owner and role, items a history, and the plans a
person made from several reports of one role are merged into one (the latest report's)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _is_blank(item):
    return not item.action and item.target_date is None and not item.notes and item.status == "not_started"


def _date(assessment):
    return f"{assessment.submitted_at:%-d %b %Y}"


def _meets_target(snapshot, slug):
    """(rating, target) of `slug` in a frozen report, or None when the report does not list it."""
    target = next((s["target"] for s in snapshot.get("skills", []) if s["slug"] == slug), None)
    if target is None:
        return None
    return int(snapshot.get("ratings", {}).get(slug, {}).get("level", 0)), int(target)


def merge_plans(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Check foreign keys now rather than at commit: pending deferred checks would stop this
        # migration's own index creation ("pending trigger events").
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Plan = apps.get_model("assessments", "Plan")
    PlanItem = apps.get_model("assessments", "PlanItem")
    PlanItemEvent = apps.get_model("assessments", "PlanItemEvent")
    plans = list(Plan.objects.select_related("assessment").order_by("assessment__submitted_at", "id"))
    groups = {}
    for plan in plans:
        plan.user_id, plan.role_id = plan.assessment.user_id, plan.assessment.role_id
        plan.save(update_fields=["user", "role"])
        groups.setdefault((plan.user_id, plan.role_id), []).append(plan)
        PlanItemEvent.objects.bulk_create(
            PlanItemEvent(
                item=item,
                kind="added",
                text=f"Added from your report of {_date(plan.assessment)}.",
                assessment_id=plan.assessment_id,
                at=plan.created_at,
            )
            for item in PlanItem.objects.filter(plan=plan)
        )
    for group in groups.values():
        keeper, older = group[-1], list(reversed(group[:-1]))
        kept = {item.skill_id: item for item in PlanItem.objects.filter(plan=keeper)}
        for plan in older:
            for item in PlanItem.objects.filter(plan=plan).select_related("skill"):
                mine = kept.get(item.skill_id)
                if mine is not None:
                    if _is_blank(mine) and not _is_blank(item):
                        mine.action, mine.target_date = item.action, item.target_date
                        mine.notes, mine.status = item.notes, item.status
                        mine.save(update_fields=["action", "target_date", "notes", "status"])
                        PlanItemEvent.objects.create(
                            item=mine,
                            kind="carried",
                            text=f"Carried forward from your plan of {_date(plan.assessment)}.",
                            assessment_id=keeper.assessment_id,
                        )
                    continue
                item.plan_id = keeper.pk
                item.order = 10_000 + item.order
                if item.status != "done":
                    levels = _meets_target(keeper.assessment.snapshot or {}, item.skill.slug)
                    item.status = "done"
                    PlanItemEvent.objects.create(
                        item=item,
                        kind="closed",
                        text=(
                            f"Done: you now meet the target (level {levels[0]} of {levels[1]} in your report of "
                            f"{_date(keeper.assessment)})."
                            if levels and levels[0] >= levels[1]
                            else f"Closed when your plans were merged into your report of {_date(keeper.assessment)}."
                        ),
                        assessment_id=keeper.assessment_id,
                    )
                item.save(update_fields=["plan", "order", "status"])
                kept[item.skill_id] = item
            plan.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_owner_key"),
        ("roles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="plans",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="role",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="roles.role"
            ),
        ),
        migrations.CreateModel(
            name="PlanItemEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("added", "Added"),
                            ("edited", "Changed"),
                            ("carried", "Carried forward"),
                            ("closed", "Closed"),
                        ],
                        max_length=10,
                    ),
                ),
                ("text", models.CharField(max_length=600)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "assessment",
                    models.ForeignKey(
                        blank=True,
                        help_text="The report that caused the event, for events a report caused.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="events", to="assessments.planitem"
                    ),
                ),
            ],
            options={"ordering": ["item", "at", "id"]},
        ),
        migrations.RunPython(merge_plans, migrations.RunPython.noop),
    ]
