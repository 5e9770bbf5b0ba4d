"""The worked example on the "How it is scored" page, computed by the scoring code itself.

It is Example 1 and 2 of docs/scoring.md (a data engineer's report), so the page, the docs and
the pure tests show the same numbers; nothing here is typed in by hand except the inputs.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from . import scoring
from .scoring import DIFFERENTIATING, REQUIRED, OfferingInput, OfferingSkill, SkillInput

EXAMPLE_ROLE = "Data Engineer (an example)"

EXAMPLE_SKILLS = (
    SkillInput("sql", "SQL", REQUIRED, 4, Decimal("1.0"), 5),
    SkillInput("data-modelling", "Data modelling", REQUIRED, 4, Decimal("1.0"), 2),
    SkillInput("orchestration", "Orchestration", REQUIRED, 3, Decimal("2.0"), 2),
    SkillInput("spark", "Spark", DIFFERENTIATING, 3, Decimal("0.5"), 1),
    SkillInput("dbt", "dbt", DIFFERENTIATING, 2, Decimal("0.5"), 0),
)


def _offering(key, title, *skills, recommended=False):
    return OfferingInput(key, title, tuple(OfferingSkill(slug, level) for slug, level in skills), recommended)


EXAMPLE_COURSES = (
    _offering("airflow", "Airflow in Practice", ("orchestration", 3)),
    _offering("dmf", "Data Modelling Fundamentals", ("data-modelling", 3)),
    _offering("mds", "Modern Data Stack", ("data-modelling", 4), ("dbt", 2)),
    _offering("aedbt", "Analytics Engineering with dbt", ("dbt", 2), ("orchestration", 3), recommended=True),
    _offering("spark-basics", "Spark Basics", ("spark", 2)),
    _offering("sql-mastery", "SQL Mastery", ("sql", 5)),
)


@dataclass(frozen=True)
class ExampleRow:
    skill: scoring.SkillResult
    weighted_coverage: Fraction  # w × c


@dataclass(frozen=True)
class WorkedExample:
    role: str
    rows: tuple  # ExampleRow, in the role's order
    report: scoring.Report
    weight_total: Fraction
    covered_total: Fraction
    courses_offered: tuple  # OfferingInput
    names: dict  # slug -> name

    @property
    def overall_percent(self):
        return scoring.whole_percent(self.report.readiness.overall)


def worked_example():
    report = scoring.score(EXAMPLE_SKILLS, courses=EXAMPLE_COURSES)
    rows = tuple(ExampleRow(r, Fraction(r.weight) * r.coverage) for r in report.skills)
    return WorkedExample(
        role=EXAMPLE_ROLE,
        rows=rows,
        report=report,
        weight_total=sum((Fraction(r.skill.weight) for r in rows), Fraction(0)),
        covered_total=sum((r.weighted_coverage for r in rows), Fraction(0)),
        courses_offered=EXAMPLE_COURSES,
        names={s.slug: s.name for s in EXAMPLE_SKILLS},
    )
