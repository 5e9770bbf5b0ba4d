"""The benchmark seeder, run as `bench/seed_benchmark.py --password ...`: fill a fresh database with
load-test data. It lives in bench/, not in an app, because it writes every app's rows (roles,
assessments, teams); `Command` is a management command that no app installs.

At --scale 1 (docs/performance.md): 200 published roles (180 large ones of 300-2,500 skills, 20
small ones of 20-25 skills), 2,000 skills, about 300,000 role skills, 1,000 courses, 100
certifications, 10,000 users `bench00001`... sharing one password, and 50,000 submitted
assessments with every skill rated (about 1.2 million ratings, 1.55 million rows in all).
It also makes `benchmark-300` (a published 300-skill role with 50 courses) and, when the shipped
`senior-ml-engineer` exists (run `import_roles content/roles/*.yaml` first), gives bench users
submitted assessments of it.

Teams (issue #18): 50 teams `bench-team-01`... of 5-200 bench users (the first, `bench-team-01`, has
exactly 200: the users who took senior-ml-engineer and benchmark-300, both assigned to it), each with
an owner, a manager, mixed consent (30 % nothing, 40 % aggregates, 30 % individual) and one or two
assigned roles, assigned before any bench submission so that they count as done.

Why the assessments rate small roles: a submitted assessment rates every skill of its role, so
50,000 assessments of 1,500-skill roles would be 75 million ratings. Real roles have 10-40 skills
(the shipped ones have 10-31), so the bench users assess the 20 small roles (and 500 take
senior-ml-engineer, 200 take benchmark-300); the large roles load the role pages, role fit and
searches.

Rows go in with PostgreSQL COPY (psycopg 3) on PostgreSQL and `bulk_create` elsewhere, with ids
chosen here so that ratings can point at their assessments without reading them back. Everything
happens in one transaction: a failure leaves the database as it was.
"""

import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from assessments.models import Assessment, Plan, PlanItem, Rating, ShareLink
from assessments.snapshots import build_snapshot
from roles import revision
from roles.models import (
    DEFAULT_WEIGHTS,
    Certification,
    Course,
    Family,
    Role,
    RoleCertification,
    RoleCourse,
    RoleSkill,
    Skill,
    SkillKind,
)
from teams.models import Assignment, Membership, Team

from . import seeding_notices

SEED = 20240605
MAX_ROLES_BEFORE = 50  # more roles than this means the database is not a fresh one
BENCH_USERNAME_PREFIX = "bench"
BENCH_USERNAME_REGEX = r"^bench[0-9]+$"
BENCH_ROLE_PREFIX = "bench-role-"
BENCH_SKILL_PREFIX = "bench-skill-"
BENCH_COURSE_PREFIX = "bench-course-"
BENCH_CERT_PREFIX = "bench-cert-"
BENCH_FAMILY_SLUG = "benchmark"
BENCHMARK_300_SLUG = "benchmark-300"
SENIOR_ML_SLUG = "senior-ml-engineer"
BENCH_TEAM_PREFIX = "bench-team-"
TEAMS = 50
TEAM_SIZES = (5, 200)

CATEGORIES = [
    "Machine learning",
    "Data engineering",
    "Software engineering",
    "MLOps",
    "Statistics",
    "Product",
    "Leadership",
    "Communication",
    "Security",
    "Cloud",
    "Research",
    "Domain knowledge",
]
PROVIDERS = ["Coursera", "edX", "Udacity", "fast.ai", "DeepLearning.AI", "O'Reilly", "Pluralsight", "A book"]
EVIDENCE = [  # index 0: no evidence (most ratings)
    "",
    "Did this in my last project.",
    "Led a team effort on this; wrote the design doc.",
    "Took a course, used it once at work.",
    "Reviewed others' work on this for a year.",
]
EVIDENCE_JSON = [json.dumps(text) for text in EVIDENCE]
RATINGS_PLACEHOLDER = "@@bench-ratings@@"


@dataclass(frozen=True)
class Counts:
    """How much to make, from the scale (1.0 = the sizes in the module docstring)."""

    skills: int
    small_roles: int
    large_roles: int
    role_skills: int  # target for all bench roles except benchmark-300
    large_min: int
    large_max: int
    courses: int
    certifications: int
    users: int
    assessments: int
    senior_ml_assessments: int
    benchmark_300_assessments: int
    benchmark_300_skills: int
    benchmark_300_courses: int

    @classmethod
    def for_scale(cls, scale):
        def n(base, minimum):
            return max(minimum, round(base * scale))

        skills = n(2_000, 40)
        courses = n(1_000, 5)
        users = n(10_000, 2)
        large_min = n(300, 1)
        return cls(
            skills=skills,
            small_roles=n(20, 1),
            large_roles=n(180, 1),
            role_skills=n(300_000, 1),
            large_min=min(large_min, skills),
            large_max=min(max(large_min, n(2_500, 1)), skills),
            courses=courses,
            certifications=n(100, 2),
            users=users,
            assessments=n(50_000, 4),
            senior_ml_assessments=min(users, n(500, 1)),
            benchmark_300_assessments=min(users, n(200, 1)),
            benchmark_300_skills=min(300, skills),
            benchmark_300_courses=min(50, courses),
        )


class Progress:
    """`[#####     ]  52% ratings 612,000/1,185,000` on one line of stderr, redrawn a few times a second."""

    WIDTH = 30

    def __init__(self, stream, label, total, *, enabled=True):
        self.stream, self.label, self.total, self.enabled = stream, label, max(total, 1), enabled
        self.done = 0
        self.started = self.last_drawn = time.monotonic()

    def add(self, count):
        self.done += count
        now = time.monotonic()
        if now - self.last_drawn >= 0.2 and self.done < self.total:
            self.last_drawn = now
            self._draw()

    def _draw(self):
        if not self.enabled:
            return
        fraction = min(self.done / self.total, 1.0)
        bar = "#" * round(self.WIDTH * fraction)
        self.stream.write(
            f"\r[{bar:<{self.WIDTH}}] {fraction:4.0%} {self.label} {self.done:,}/{self.total:,}"
            f"  {time.monotonic() - self.started:5.1f}s"
        )
        self.stream.flush()

    def finish(self):
        if self.last_drawn != self.started or self.done:
            self._draw()
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class RowWriter:
    """Insert many rows of one model: COPY on PostgreSQL, bulk_create elsewhere (or when asked)."""

    def __init__(self, *, use_copy, batch_size, stream, show_progress):
        self.use_copy = use_copy
        self.batch_size = batch_size
        self.stream = stream
        self.show_progress = show_progress
        self.counts = {}

    def write(self, model, fields, rows, *, total, label, json_fields=()):
        """`fields` are field names; each row is a tuple in that order (JSON fields as JSON text)."""
        progress = Progress(self.stream, label, total, enabled=self.show_progress)
        meta_fields = [model._meta.get_field(name) for name in fields]
        if self.use_copy:
            written = self._copy(model, meta_fields, rows, progress)
        else:
            written = self._bulk_create(model, meta_fields, rows, progress, json_fields)
        progress.finish()
        self.counts[label] = self.counts.get(label, 0) + written
        return written

    def _copy(self, model, meta_fields, rows, progress):
        quote = connection.ops.quote_name
        # Columns the rows leave out get their field's default, as bulk_create would give them
        # (COPY leaves them to the database, which has no default for, say, a blank editor's note).
        defaults = [
            f
            for f in model._meta.concrete_fields
            if f not in meta_fields
            and not f.primary_key
            and not f.null
            and (f.has_default() or f.empty_strings_allowed)
        ]
        default_values = tuple(f.get_db_prep_value(f.get_default(), connection) for f in defaults)
        columns = ", ".join(quote(f.column) for f in [*meta_fields, *defaults])
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        written = 0
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *default_values))
                written += 1
                if written % 5_000 == 0:
                    progress.add(5_000)
        progress.add(written % 5_000)
        return written

    def _bulk_create(self, model, meta_fields, rows, progress, json_fields):
        attnames = [f.attname for f in meta_fields]
        json_positions = [attnames.index(model._meta.get_field(name).attname) for name in json_fields]
        written = 0
        batch = []

        def flush():
            model.objects.bulk_create(batch, batch_size=self.batch_size)
            progress.add(len(batch))
            batch.clear()

        for row in rows:
            values = list(row)
            for position in json_positions:
                values[position] = json.loads(values[position])
            batch.append(model(**dict(zip(attnames, values, strict=True))))
            written += 1
            if len(batch) >= self.batch_size:
                flush()
        if batch:
            flush()
        return written


def next_id(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def role_sizes(rng, counts, *, total):
    """Sizes of the large roles: skewed towards the top of [large_min, large_max], adding up to `total`."""
    if counts.large_roles == 0:
        return []
    low, high = counts.large_min, counts.large_max
    raw = [low + (high - low) * rng.betavariate(2.0, 1.5) for _ in range(counts.large_roles)]
    factor = total / sum(raw)
    sizes = [min(high, max(low, round(size * factor))) for size in raw]
    difference = total - sum(sizes)
    step = 1 if difference > 0 else -1
    while difference:
        room = [i for i, size in enumerate(sizes) if low <= size + step <= high]
        if not room:
            break
        for i in rng.sample(room, min(len(room), abs(difference))):
            sizes[i] += step
            difference -= step
    return sizes


class Command(BaseCommand):
    help = (
        "Fill a fresh database with benchmark data (docs/performance.md): 200 roles, 2,000 skills, "
        "300,000 role skills, 1,000 courses, 10,000 users bench00001... and 50,000 submitted assessments "
        "(about 1.55 million rows at --scale 1). Refuses a database that already has bench users or "
        f"more than {MAX_ROLES_BEFORE} roles unless --flush-bench removes the earlier bench data first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help="the password every bench user gets (or set BENCH_PASSWORD); no default is committed",
        )
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (default 1.0)")
        parser.add_argument(
            "--flush-bench", action="store_true", help="delete earlier benchmark data (bench users, roles...) first"
        )
        parser.add_argument(
            "--no-copy", action="store_true", help="use bulk_create even on PostgreSQL (slower; for comparison)"
        )
        parser.add_argument("--batch-size", type=int, default=2_000, help="rows per bulk_create (default 2000)")
        parser.add_argument("--seed", type=int, default=SEED, help="random seed (same seed, same data)")

    def handle(self, *args, password, scale, flush_bench, no_copy, batch_size, seed, verbosity, **options):
        password = password or os.environ.get("BENCH_PASSWORD", "")
        if not password:
            raise CommandError(
                "Give the bench users' shared password with --password or the BENCH_PASSWORD environment "
                "variable (no default password is committed)."
            )
        if not 0 < scale <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        self.verbosity = verbosity
        started = time.monotonic()
        use_copy = connection.vendor == "postgresql" and not no_copy
        writer = RowWriter(use_copy=use_copy, batch_size=batch_size, stream=sys.stderr, show_progress=verbosity >= 1)
        with transaction.atomic():
            if flush_bench:
                self._refuse_if_not_fresh(ignore_bench=True)
                removed = flush_bench_data()
                self._say(f"Removed earlier bench data: {removed}")
            self._refuse_if_not_fresh(ignore_bench=False)
            counts = Counts.for_scale(scale)
            seeder = Seeder(counts=counts, writer=writer, password_hash=make_password(password), seed=seed)
            seeder.run(say=self._say)
            revision.bump()
        # Fresh planner statistics: without them PostgreSQL picks nested loops over 1.2M ratings until
        # autovacuum gets round to the tables (role fit's cache key query took 0.8 s instead of 0.5 ms).
        self._say("ANALYZE...")
        with connection.cursor() as cursor:
            for model in seeder.touched_models():
                cursor.execute(f"ANALYZE {_table(model)}")
        elapsed = time.monotonic() - started
        total = sum(writer.counts.values())
        rows = ", ".join(f"{label} {count:,}" for label, count in writer.counts.items())
        method = "COPY" if use_copy else f"bulk_create(batch_size={batch_size})"
        self.stdout.write(f"Seeded {total:,} rows in {elapsed:.1f}s with {method}: {rows}.")

    def _say(self, message):
        if self.verbosity >= 1:
            self.stderr.write(message)

    def _refuse_if_not_fresh(self, *, ignore_bench):
        bench_users = get_user_model().objects.filter(username__startswith=BENCH_USERNAME_PREFIX)
        roles = Role.objects.all()
        if ignore_bench:
            bench_users = bench_users.none()
            roles = roles.exclude(bench_role_filter())
        problems = []
        if bench_users.exists():
            problems.append(f"{bench_users.count():,} users named {BENCH_USERNAME_PREFIX}... exist")
        role_count = roles.count()
        if role_count > MAX_ROLES_BEFORE:
            problems.append(f"it has {role_count:,} roles (more than the {MAX_ROLES_BEFORE} a fresh one may have)")
        if not problems:
            return
        hint = (
            "Use a database of its own with only the shipped roles (migrate, then import_roles content/roles/*.yaml)."
            if ignore_bench
            else "Run with --flush-bench to delete the earlier benchmark data first, or use a fresh database."
        )
        raise CommandError(
            f"Refusing to seed benchmark data: the database is not empty ({'; '.join(problems)}). {hint} "
            "Nothing was changed."
        )


def bench_role_filter():
    return Q(slug__startswith=BENCH_ROLE_PREFIX) | Q(slug=BENCHMARK_300_SLUG)


def _subquery(queryset):
    sql, params = queryset.values("pk").query.sql_with_params()
    return sql, list(params)


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def flush_bench_data():
    """Delete what an earlier seed_benchmark made, with set-based SQL (the ORM would load 1.2M ratings)."""
    users = get_user_model().objects.filter(username__regex=BENCH_USERNAME_REGEX)
    roles = Role.objects.filter(bench_role_filter())
    assessments = Assessment.objects.filter(Q(user__in=users) | Q(role__in=roles))
    a_sql, a_params = _subquery(assessments)
    r_sql, r_params = _subquery(roles)
    removed = {}
    seeding_notices.flush(users)
    removed["teams"] = Team.objects.filter(slug__startswith=BENCH_TEAM_PREFIX).delete()[1].get(Team._meta.label, 0)
    plans_sql, plans_params = _subquery(Plan.objects.filter(assessment__in=assessments))
    _raw(f"DELETE FROM {_table(PlanItem)} WHERE plan_id IN ({plans_sql})", plans_params)
    _raw(f"DELETE FROM {_table(Plan)} WHERE assessment_id IN ({a_sql})", a_params)
    _raw(f"DELETE FROM {_table(ShareLink)} WHERE assessment_id IN ({a_sql})", a_params)
    # Other assessments' ratings may have been carried over from these (prefilled_from is SET_NULL).
    ratings_sql, ratings_params = _subquery(Rating.objects.filter(assessment__in=assessments))
    _raw(
        f"UPDATE {_table(Rating)} SET prefilled_from_id = NULL WHERE prefilled_from_id IN ({ratings_sql})",
        ratings_params,
    )
    removed["ratings"] = _raw(f"DELETE FROM {_table(Rating)} WHERE assessment_id IN ({a_sql})", a_params)
    _raw(f"UPDATE {_table(Assessment)} SET retake_of_id = NULL WHERE retake_of_id IN ({a_sql})", a_params)
    _raw(f"UPDATE {_table(Assessment)} SET current_role_id = NULL WHERE current_role_id IN ({r_sql})", r_params)
    removed["assessments"] = _raw(f"DELETE FROM {_table(Assessment)} WHERE id IN ({a_sql})", a_params)
    for model in (RoleSkill, RoleCourse, RoleCertification):
        count = _raw(f"DELETE FROM {_table(model)} WHERE role_id IN ({r_sql})", r_params)
        removed[model._meta.verbose_name_plural] = count
    removed["roles"] = roles.delete()[0]
    for model, prefix in ((Course, BENCH_COURSE_PREFIX), (Certification, BENCH_CERT_PREFIX)):
        offerings = model.objects.filter(slug__startswith=prefix)
        sql, params = _subquery(offerings)
        _raw(f"DELETE FROM {_table(model.skills.through)} WHERE {model._meta.model_name}_id IN ({sql})", params)
        removed[model._meta.verbose_name_plural] = offerings.delete()[0]
    removed["skills"] = Skill.objects.filter(slug__startswith=BENCH_SKILL_PREFIX).delete()[0]
    Family.objects.filter(slug=BENCH_FAMILY_SLUG, roles__isnull=True).delete()
    removed["users"] = users.delete()[1].get(get_user_model()._meta.label, 0)
    return ", ".join(f"{label} {count:,}" for label, count in removed.items())


class Seeder:
    """Makes the rows, table by table, in an order that lets each one refer to ids chosen earlier."""

    def __init__(self, *, counts, writer, password_hash, seed):
        self.counts = counts
        self.writer = writer
        self.password_hash = password_hash
        self.rng = random.Random(seed)
        self.now = timezone.now()

    def run(self, *, say):
        say(f"Seeding benchmark data: {self.counts}")
        family, _ = Family.objects.get_or_create(
            slug=BENCH_FAMILY_SLUG, defaults={"name": "Benchmark", "description": "Generated roles for load testing."}
        )
        self.skills = self._skills()
        self.courses = self._offerings(Course, self.counts.courses, BENCH_COURSE_PREFIX, (2, 6))
        self.certifications = self._offerings(Certification, self.counts.certifications, BENCH_CERT_PREFIX, (2, 5))
        self.roles = self._roles(family)
        self._role_skills()
        self._role_offerings()
        self.users = self._users()
        self._assessments()
        self._teams()
        seeding_notices.seed(self, next_id)  # plans, plan items, notices (bench/seeding_notices.py)
        self._reset_sequences()

    # --- role content ----------------------------------------------------------------------

    def _skills(self):
        rng = self.rng
        skills = []
        for i in range(1, self.counts.skills + 1):
            described = rng.random() < 0.25
            skills.append(
                Skill(
                    name=f"Bench skill {i:04d}",
                    slug=f"{BENCH_SKILL_PREFIX}{i:04d}",
                    category=rng.choice(CATEGORIES),
                    description=f"Generated skill {i} for load testing.",
                    **{
                        f"descriptor_{level}": f"Level {level} of skill {i}: a sentence on what it looks like."
                        for level in range(1, 6)
                        if described
                    },
                )
            )
        created = Skill.objects.bulk_create(skills, batch_size=self.writer.batch_size)
        self.writer.counts["skills"] = len(created)
        return list(Skill.objects.filter(slug__startswith=BENCH_SKILL_PREFIX).order_by("pk").values_list("pk", "slug"))

    def _offerings(self, model, count, prefix, skills_each):
        rng = self.rng
        name_field = "title" if model is Course else "name"
        maker_field = "provider" if model is Course else "issuer"
        noun = model._meta.verbose_name
        objects = [
            model(
                **{name_field: f"Bench {noun} {i:04d}", maker_field: rng.choice(PROVIDERS)},
                slug=f"{prefix}{i:04d}",
                url=f"https://example.com/{noun}s/{i:04d}",
                description=f"A generated {noun}.",
            )
            for i in range(1, count + 1)
        ]
        model.objects.bulk_create(objects, batch_size=self.writer.batch_size)
        self.writer.counts[model._meta.verbose_name_plural] = len(objects)
        ids = list(model.objects.filter(slug__startswith=prefix).order_by("pk").values_list("pk", flat=True))
        skill_ids = [pk for pk, _slug in self.skills]
        through = model.skills.through
        owner = model._meta.model_name
        start = next_id(through)
        rows = []
        for offering_id in ids:
            taught = rng.sample(skill_ids, min(rng.randint(*skills_each), len(skill_ids)))
            for order, skill_id in enumerate(taught):
                level = 1 + (offering_id + skill_id) % 5  # spread over 1-5 without drawing on `rng`
                rows.append((start + len(rows), offering_id, skill_id, level, order))
        self.writer.write(
            through, ["id", owner, "skill", "level", "order"], rows, total=len(rows), label=f"{noun} skills"
        )
        return ids

    def _roles(self, family):
        counts, rng = self.counts, self.rng
        sizes = [min(rng.randint(20, 25), counts.skills) for _ in range(counts.small_roles)]
        sizes += role_sizes(rng, counts, total=max(counts.role_skills - sum(sizes), counts.large_roles))
        roles = []
        for i, size in enumerate(sizes, start=1):
            small = i <= counts.small_roles
            roles.append(
                Role(
                    family=family,
                    title=f"Bench {'small' if small else 'large'} role {i:03d}",
                    slug=f"{BENCH_ROLE_PREFIX}{i:03d}",
                    summary=f"A generated role with {size:,} skills, for load testing.",
                    about="Generated by seed_benchmark.",
                    median_salary=rng.randrange(60_000, 250_000, 1_000),
                    is_published=True,
                )
            )
        roles.append(
            Role(
                family=family,
                title="Benchmark 300",
                slug=BENCHMARK_300_SLUG,
                summary="A generated role with 300 skills and 50 courses, for load testing the large pages.",
                about="Generated by seed_benchmark.",
                is_published=True,
            )
        )
        sizes.append(counts.benchmark_300_skills)
        Role.objects.bulk_create(roles)
        self.writer.counts["roles"] = len(roles)
        by_slug = dict(Role.objects.filter(bench_role_filter()).values_list("slug", "pk"))
        return [(by_slug[role.slug], role.slug, size) for role, size in zip(roles, sizes, strict=True)]

    def _role_skills(self):
        rng = self.rng
        skill_ids = [pk for pk, _slug in self.skills]
        slugs = dict(self.skills)
        self.role_skill_slugs = {}  # role id -> [skill slug, ...] in the role's order
        start = next_id(RoleSkill)
        total = sum(size for _pk, _slug, size in self.roles)
        # Mostly the default weights (1.0 required, 0.5 differentiating), some set by an editor.
        required_weights = [DEFAULT_WEIGHTS[SkillKind.REQUIRED]] * 8 + [Decimal("0.75"), Decimal("1.50")]
        differentiating_weights = [DEFAULT_WEIGHTS[SkillKind.DIFFERENTIATING]] * 8 + [Decimal("0.25"), Decimal("1")]

        def rows():
            pk = start
            for role_id, _slug, size in self.roles:
                chosen = rng.sample(skill_ids, size)
                self.role_skill_slugs[role_id] = [slugs[skill_id] for skill_id in chosen]
                for order, skill_id in enumerate(chosen):
                    required = rng.random() < 0.8
                    kind = SkillKind.REQUIRED if required else SkillKind.DIFFERENTIATING
                    weight = rng.choice(required_weights if required else differentiating_weights)
                    target = rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 5, 4, 1))[0]
                    yield (pk, role_id, skill_id, kind.value, target, weight, rng.random() < 0.05, "", order)
                    pk += 1

        fields = ["id", "role", "skill", "kind", "target", "weight", "commonly_missing", "note", "order"]
        self.writer.write(RoleSkill, fields, rows(), total=total, label="role skills")

    def _role_offerings(self):
        rng = self.rng
        course_rows, cert_rows = [], []
        course_start, cert_start = next_id(RoleCourse), next_id(RoleCertification)
        for role_id, slug, _size in self.roles:
            n_courses = self.counts.benchmark_300_courses if slug == BENCHMARK_300_SLUG else rng.randint(5, 15)
            for order, course_id in enumerate(rng.sample(self.courses, min(n_courses, len(self.courses)))):
                course_rows.append((course_start + len(course_rows), role_id, course_id, order))
            n_certs = rng.randint(0, 3)
            for order, cert_id in enumerate(rng.sample(self.certifications, min(n_certs, len(self.certifications)))):
                cert_rows.append((cert_start + len(cert_rows), role_id, cert_id, order))
        fields = ["id", "role", "course", "order"]
        self.writer.write(RoleCourse, fields, course_rows, total=len(course_rows), label="role courses")
        fields = ["id", "role", "certification", "order"]
        self.writer.write(RoleCertification, fields, cert_rows, total=len(cert_rows), label="role certifications")

    # --- people ------------------------------------------------------------------------------

    def _users(self):
        User = get_user_model()
        start = next_id(User)
        width = max(5, len(str(self.counts.users)))
        joined = self.now - timedelta(days=400)
        rows = (
            (start + i, self.password_hash, None, False, f"{BENCH_USERNAME_PREFIX}{i + 1:0{width}d}", "Bench",
             f"User {i + 1}", f"bench{i + 1}@example.com", False, True, joined + timedelta(minutes=i))
            for i in range(self.counts.users)
        )  # fmt: skip
        fields = [
            "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined",
        ]  # fmt: skip
        self.writer.write(User, fields, rows, total=self.counts.users, label="users")
        # Each bench person has verified their address, as a real one would before any mail reaches them.
        address_start = next_id(EmailAddress)
        addresses = (
            (address_start + i, start + i, f"bench{i + 1}@example.com", True, True) for i in range(self.counts.users)
        )
        self.writer.write(EmailAddress, ["id", "user", "email", "verified", "primary"], addresses,
                          total=self.counts.users, label="email addresses")  # fmt: skip
        return list(range(start, start + self.counts.users))

    def _plans(self):
        """[(user id, role id)] for every assessment: first senior-ml-engineer and benchmark-300, then small roles."""
        counts, rng = self.counts, self.rng
        by_slug = {slug: pk for pk, slug, _size in self.roles}
        senior = Role.objects.filter(slug=SENIOR_ML_SLUG).values_list("pk", flat=True).first()
        plans = []
        if senior is not None:
            plans += [(user, senior) for user in self.users[: counts.senior_ml_assessments]]
        plans += [(user, by_slug[BENCHMARK_300_SLUG]) for user in self.users[: counts.benchmark_300_assessments]]
        small = [pk for pk, slug, _size in self.roles[: counts.small_roles]]
        remaining = max(counts.assessments - len(plans), 0)
        per_user, extra = divmod(remaining, len(self.users))
        for i, user in enumerate(self.users):
            k = per_user + (1 if i < extra else 0)
            picks = rng.sample(small, k) if k <= len(small) else rng.choices(small, k=k)
            plans += [(user, role) for role in picks]
        return plans, senior

    def _assessments(self):
        rng = self.rng
        plans, senior = self._plans()
        assessed = {role for _user, role in plans}
        roles = Role.objects.select_related("family").in_bulk(assessed)
        skills = {}  # role id -> [(slug, skill id, target)]
        for role_id, skill_id, slug, target in (
            RoleSkill.objects.filter(role_id__in=assessed)
            .order_by("order", "id")
            .values_list("role_id", "skill_id", "skill__slug", "target")
        ):
            skills.setdefault(role_id, []).append((slug, skill_id, target))
        templates = {}
        for role_id, role in roles.items():
            snapshot = build_snapshot(role=role, ratings={})
            snapshot["ratings"] = RATINGS_PLACEHOLDER
            text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
            before, _, after = text.partition(json.dumps(RATINGS_PLACEHOLDER))
            templates[role_id] = (before, after)
        if senior is not None and senior not in skills:
            raise CommandError(f"{SENIOR_ML_SLUG} has no skills: import the shipped roles again.")

        start = next_id(Assessment)
        # One compact record per assessment, so the ratings pass can replay it: (levels, evidence indexes).
        self.rated = []
        year = 365 * 24 * 3600

        def assessment_rows():
            for offset, (user_id, role_id) in enumerate(plans):
                role_skills = skills[role_id]
                levels = bytes(
                    max(0, min(5, target + rng.choice((-3, -2, -1, -1, 0, 0, 0, 1)))) for _s, _i, target in role_skills
                )
                evidence = bytes(rng.randrange(1, len(EVIDENCE)) if rng.random() < 0.1 else 0 for _ in role_skills)
                submitted = self.now - timedelta(seconds=rng.randrange(3600, year))
                created = submitted - timedelta(seconds=rng.randrange(300, 3 * 24 * 3600))
                self.rated.append((start + offset, role_id, levels, evidence, submitted))
                ratings = ",".join(
                    f'"{slug}":{{"level":{level},"evidence":{EVIDENCE_JSON[ev]}}}'
                    for (slug, _id, _t), level, ev in zip(role_skills, levels, evidence, strict=True)
                )
                before, after = templates[role_id]
                snapshot = f"{before}{{{ratings}}}{after}"
                yield (start + offset, user_id, "", role_id, Assessment.Status.SUBMITTED.value, None, None, snapshot,
                       created, submitted, submitted)  # fmt: skip

        fields = [
            "id", "user", "session_key", "role", "status", "current_role", "retake_of", "snapshot", "created_at",
            "updated_at", "submitted_at",
        ]  # fmt: skip
        self.writer.write(
            Assessment, fields, assessment_rows(), total=len(plans), label="assessments", json_fields=["snapshot"]
        )

        rating_start = next_id(Rating)
        total = sum(len(levels) for _pk, _role, levels, _ev, _at in self.rated)

        def rating_rows():
            pk = rating_start
            for assessment_id, role_id, levels, evidence, submitted in self.rated:
                for (_slug, skill_id, _target), level, ev in zip(skills[role_id], levels, evidence, strict=True):
                    yield (pk, assessment_id, skill_id, level, EVIDENCE[ev], None, None, submitted)
                    pk += 1

        fields = ["id", "assessment", "skill", "level", "evidence", "prefilled_from", "prefilled_at", "updated_at"]
        self.writer.write(Rating, fields, rating_rows(), total=total, label="ratings")

    # --- teams -----------------------------------------------------------------------------

    def _teams(self):
        """50 teams of 5-200 bench users; the first has exactly 200 (capped by the users there are)."""
        rng, users = self.rng, self.users
        by_slug = {slug: pk for pk, slug, _size in self.roles}
        senior = Role.objects.filter(slug=SENIOR_ML_SLUG).values_list("pk", flat=True).first()
        small = [pk for pk, _slug, _size in self.roles[: self.counts.small_roles]]
        team_start, member_start, assignment_start = next_id(Team), next_id(Membership), next_id(Assignment)
        assigned_at = self.now - timedelta(days=400)  # before every bench submission: they count as done
        teams, members, assignments = [], [], []
        for t in range(TEAMS):
            size = min(TEAM_SIZES[1] if t == 0 else rng.randint(*TEAM_SIZES), len(users))
            people = users[:size] if t == 0 else rng.sample(users, size)
            team_id = team_start + t
            teams.append((team_id, f"Bench team {t + 1:02d}", f"{BENCH_TEAM_PREFIX}{t + 1:02d}", assigned_at))
            for i, user in enumerate(people):
                role = "owner" if i == 0 else "manager" if i == 1 else "member"
                consent = rng.choices(["nothing", "aggregates", "individual"], weights=(3, 4, 3))[0]
                extras = consent == "individual" and rng.random() < 0.5
                members.append((member_start + len(members), team_id, user, role, consent, extras, extras,
                                assigned_at, assigned_at))  # fmt: skip
            roles = [by_slug[BENCHMARK_300_SLUG]] + ([senior] if senior else []) if t == 0 else [rng.choice(small)]
            for role_id in roles:
                assignments.append((assignment_start + len(assignments), team_id, role_id, True, None, people[0],
                                    assigned_at))  # fmt: skip
        self.writer.write(Team, ["id", "name", "slug", "created_at"], iter(teams), total=len(teams), label="teams")
        fields = ["id", "team", "user", "role", "consent", "share_evidence", "share_plan", "joined_at",
                  "consent_updated_at"]  # fmt: skip
        self.writer.write(Membership, fields, iter(members), total=len(members), label="memberships")
        fields = ["id", "team", "role", "everyone", "due_date", "created_by", "created_at"]
        self.writer.write(Assignment, fields, iter(assignments), total=len(assignments), label="assignments")

    @staticmethod
    def touched_models():
        return [
            Family, Skill, Course, Certification, Course.skills.through, Certification.skills.through, Role,
            RoleSkill, RoleCourse, RoleCertification, get_user_model(), EmailAddress, Assessment, Rating, Team, Membership,
            Assignment, Assignment.targets.through, *seeding_notices.touched_models(),
        ]  # fmt: skip

    def _reset_sequences(self):
        statements = connection.ops.sequence_reset_sql(no_style(), self.touched_models())
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
