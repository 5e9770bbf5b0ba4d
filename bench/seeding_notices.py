"""Plans, plan items and notices for the benchmark seeder (bench/seeding.py calls `seed`), so the
notices scan has a realistic week to find (issue 31, item 7).

At --scale 1: one plan per bench user (their first assessment: 10,000 plans) of 5 items each
(50,000 plan items), target dates spread evenly over the 40 days around today with a quarter of the
items done; 2 older, read notices per user (20,000); and notice settings for a fifth of the users
(email at once for plan items due soon, a weekly digest for overdue ones). So a scan finds about
5 % of the items due within 3 days and 13 % overdue within the week, as a real weekday would.
"""

from datetime import timedelta

from assessments.models import Assessment, Plan, PlanItem
from notices.models import Delivery, Kind, Notice, NoticePreference
from roles.models import RoleSkill

ITEMS_PER_PLAN = 5
DATE_SPREAD = 20  # days either side of today
OLD_NOTICES_PER_USER = 2
WITH_SETTINGS = 0.2


def seed(seeder, next_id):
    rng, writer, now = seeder.rng, seeder.writer, seeder.now
    today = now.date()
    first = {}  # user id -> (assessment id, role id): each bench user's first assessment
    for pk, user_id, role_id in (
        Assessment.objects.filter(user_id__in=seeder.users).order_by("pk").values_list("pk", "user_id", "role_id")
    ):
        first.setdefault(user_id, (pk, role_id))
    skills = {}
    for role_id, skill_id, name, target in (
        RoleSkill.objects.filter(role_id__in={role for _a, role in first.values()})
        .order_by("order", "id")
        .values_list("role_id", "skill_id", "skill__name", "target")
    ):
        skills.setdefault(role_id, []).append((skill_id, name, target))

    plan_start, item_start = next_id(Plan), next_id(PlanItem)
    plans = [
        (plan_start + i, user, role, assessment, now, now) for i, (user, (assessment, role)) in enumerate(first.items())
    ]
    writer.write(Plan, ["id", "user", "role", "assessment", "created_at", "updated_at"], iter(plans),
                 total=len(plans), label="plans")  # fmt: skip

    def item_rows():
        pk = item_start
        for plan_id, _user, role, _assessment, _c, _u in plans:
            for order, (skill_id, name, target) in enumerate(
                rng.sample(skills[role], min(ITEMS_PER_PLAN, len(skills[role])))
            ):
                due = today + timedelta(days=rng.randint(-DATE_SPREAD, DATE_SPREAD))
                status = rng.choices(["not_started", "in_progress", "done"], weights=(5, 4, 3))[0]
                yield (pk, plan_id, skill_id, name, max(0, target - 2), target, "", due, "", status, order, now)
                pk += 1

    fields = ["id", "plan", "skill", "skill_name", "current_level", "target_level", "action", "target_date", "notes",
              "status", "order", "updated_at"]  # fmt: skip
    writer.write(PlanItem, fields, item_rows(), total=len(plans) * ITEMS_PER_PLAN, label="plan items")

    notice_start = next_id(Notice)

    def notice_rows():
        pk = notice_start
        for user in seeder.users:
            for n in range(OLD_NOTICES_PER_USER):
                at = now - timedelta(days=rng.randint(30, 300))
                yield (pk, user, Kind.REVIEW_ARRIVED.value, f"review:bench-{user}-{n}", "A review of your assessment arrived.",
                       "/reviews/", at, at, Delivery.IN_APP.value, None)  # fmt: skip
                pk += 1

    fields = ["id", "user", "kind", "subject_key", "text", "url", "created_at", "read_at", "delivery", "emailed_at"]
    writer.write(Notice, fields, notice_rows(), total=len(seeder.users) * OLD_NOTICES_PER_USER, label="notices")

    chosen = [user for user in seeder.users if rng.random() < WITH_SETTINGS]
    preference_start = next_id(NoticePreference)

    def preference_rows():
        pk = preference_start
        for user in chosen:
            yield (pk, user, Kind.PLAN_DUE_SOON.value, Delivery.IMMEDIATE.value, now)
            yield (pk + 1, user, Kind.PLAN_OVERDUE.value, Delivery.DIGEST.value, now)
            pk += 2

    writer.write(NoticePreference, ["id", "user", "kind", "delivery", "updated_at"], preference_rows(),
                 total=2 * len(chosen), label="notice settings")  # fmt: skip


def touched_models():
    return [Plan, PlanItem, Notice, NoticePreference]


def flush(users):
    """Remove the bench users' notices and settings (their plans go with their assessments)."""
    Notice.objects.filter(user__in=users).delete()
    NoticePreference.objects.filter(user__in=users).delete()
