"""The team's view of a role, from plain reports: no database."""

from decimal import Decimal
from fractions import Fraction

import pytest

from assessments import scoring
from assessments.reports import build_report
from teams.matrix import Column, Contributor, build_matrix, matrix_data, matrix_rows, member_skills

COLUMNS = [
    Column("python", "Python", "required", 3),
    Column("sql", "SQL", "required", 4),
    Column("viz", "Visualisation", "differentiating", 2),
]


def snapshot(levels, weights=("1.00", "2.00", "0.50")):
    return {
        "role": {"slug": "analyst", "title": "Analyst"},
        "skills": [
            {"slug": c.slug, "name": c.name, "category": "", "kind": c.kind, "target": c.target, "weight": w}
            for c, w in zip(COLUMNS, weights, strict=True)
        ],
        "ratings": {
            c.slug: {"level": lvl, "evidence": f"{c.slug} evidence"} for c, lvl in zip(COLUMNS, levels, strict=True)
        },
        "courses": [
            {"slug": "sql-course", "title": "SQL Course", "skills": ["sql"], "recommended": False},
            {"slug": "py-course", "title": "Python Course", "skills": ["python"], "recommended": False},
        ],
    }


def person(name, levels, *, individual=False, evidence=False):
    return Contributor(
        name, member_skills(build_report(snapshot(levels))), individual=individual, share_evidence=evidence
    )


def courses():
    return [
        scoring.OfferingInput(key="sql-course", title="SQL Course", skills=(scoring.OfferingSkill("sql", 5),)),
        scoring.OfferingInput(key="py-course", title="Python Course", skills=(scoring.OfferingSkill("python", 5),)),
    ]


def test_below_the_threshold_there_are_no_aggregates_risks_or_gaps_but_individuals_show():
    m = build_matrix(COLUMNS, [person("Ann", [3, 4, 2], individual=True), person("Ben", [0, 0, 0])], min_contributors=3)
    assert (m.aggregates, m.risks, m.gaps) == (None, None, None)
    assert [r.display_name for r in m.individuals] == ["Ann"]
    data = matrix_data(type("R", (), {"slug": "analyst", "title": "Analyst"}), ["Ann", "Ben"], m)
    assert data["aggregate"] is None and data["risks"] == [] and data["team_gaps"] == []


def test_aggregates_count_at_target_the_median_and_the_distribution():
    people = [person("A", [3, 4, 0]), person("B", [1, 4, 2]), person("C", [5, 2, 1])]
    m = build_matrix(COLUMNS, people, min_contributors=3)
    python, sql, viz = m.aggregates
    assert (python.at_target, python.median, python.counts) == (2, 3.0, (0, 1, 0, 1, 0, 1))
    assert (sql.at_target, sql.median, sql.counts) == (2, 4.0, (0, 0, 1, 0, 2, 0))
    assert (viz.at_target, viz.median, viz.counts) == (1, 1.0, (1, 1, 1, 0, 0, 0))


def test_risks_are_skills_with_at_most_one_member_at_target():
    people = [person("A", [0, 4, 2]), person("B", [1, 4, 0]), person("C", [2, 4, 0])]
    m = build_matrix(COLUMNS, people, min_contributors=3)
    assert [(r.column.slug, r.kind) for r in m.risks] == [("python", "nobody"), ("viz", "one")]


def test_team_gaps_are_ordered_by_the_sum_of_weight_times_gap_and_get_offerings():
    # python: w 1 × gaps (3+3+0) = 6; sql: w 2 × gaps (1+0+0) = 2; viz: w 0.5 × gaps (2+0+0) = 1
    people = [person("A", [0, 3, 0]), person("B", [0, 4, 2]), person("C", [3, 4, 2])]
    m = build_matrix(COLUMNS, people, min_contributors=3, courses=courses())
    assert [(g.column.slug, g.priority, g.members_below) for g in m.gaps] == [
        ("python", Fraction(6), 2),
        ("sql", Fraction(2), 1),
        ("viz", Fraction(1), 1),
    ]
    assert [p.title for p in m.offerings] == ["Python Course", "SQL Course"]
    assert m.gaps[0].offerings == ("Python Course",)


def test_evidence_is_in_a_row_only_when_shared():
    m = build_matrix(
        COLUMNS,
        [person("A", [1, 1, 1], individual=True), person("B", [1, 1, 1], individual=True, evidence=True)],
        min_contributors=3,
    )
    assert m.individuals[0].evidence == () and all(c.evidence == "" for c in m.individuals[0].cells)
    assert m.individuals[1].evidence[0] == ("Python", "python evidence")


@pytest.mark.parametrize("levels", [[3, 4, 2], [0, 0, 0]])
def test_the_json_ratings_are_the_reports_own(levels):
    m = build_matrix(COLUMNS, [person("A", levels, individual=True)], min_contributors=1)
    data = matrix_data(type("R", (), {"slug": "analyst", "title": "Analyst"}), ["A"], m)
    assert data["individuals"] == [
        {"display_name": "A", "ratings": dict(zip(["python", "sql", "viz"], levels, strict=True))}
    ]
    assert Decimal(str(data["aggregate"]["python"]["median"])) == levels[0]


def test_the_exports_carry_evidence_and_a_plan_only_for_members_who_share_them():
    plan = ({"skill": "SQL", "target_level": 3, "action": "Take the SQL course", "status": "in_progress"},)
    sharing = Contributor(
        "Bea", member_skills(build_report(snapshot([1, 1, 1]))), individual=True, share_evidence=True, plan=plan
    )
    m = build_matrix(COLUMNS, [person("Al", [1, 1, 1], individual=True), sharing], min_contributors=3)

    data = matrix_data(type("R", (), {"slug": "analyst", "title": "Analyst"}), ["Al", "Bea"], m)
    al, bea = data["individuals"]
    assert "evidence" not in al and "plan" not in al
    assert bea["evidence"]["python"] == "python evidence"
    assert bea["plan"] == [plan[0]]
    rows = list(matrix_rows(data))
    assert ["plan", "Bea", "SQL", 3, "Take the SQL course (in_progress)"] in rows
    assert not any(row[0] in ("evidence", "plan") and row[1] == "Al" for row in rows)
