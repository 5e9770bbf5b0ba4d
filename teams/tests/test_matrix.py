"""The team's view of a role, from plain reports: no database."""

import csv
import io
from decimal import Decimal
from fractions import Fraction

import pytest

from assessments import scoring
from assessments.reports import build_report
from teams.matrix import (
    Column,
    Person,
    aggregate_of,
    individual_rows,
    matrix_data,
    matrix_rows,
    member_report,
    result_from_record,
    result_record,
    team_summary,
)

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


def report(levels):
    return member_report(build_report(snapshot(levels)))


def person(name, levels, *, evidence=False, plan=None):
    return Person(name, report(levels), share_evidence=evidence, plan=plan)


def courses():
    return [
        scoring.OfferingInput(key="sql-course", title="SQL Course", skills=(scoring.OfferingSkill("sql", 5),)),
        scoring.OfferingInput(key="py-course", title="Python Course", skills=(scoring.OfferingSkill("python", 5),)),
    ]


VIEW_ROLE = type("R", (), {"slug": "analyst", "title": "Analyst"})


def view_of(individuals=(), aggregate=None, summary=None, cycle=None):
    return {
        "columns": COLUMNS,
        "individuals": list(individuals),
        "aggregate": aggregate,
        "summary": summary,
        "result_cycle": cycle,
        "cycles_data": [],
    }


# --- a cycle's result ---------------------------------------------------------------------------


def test_a_result_counts_at_target_the_median_and_the_distribution():
    result = aggregate_of(COLUMNS, [report([3, 4, 0]), report([1, 4, 2]), report([5, 2, 1])])
    python, sql, viz = result.skills
    assert result.contributors == 3
    assert (python.at_target, python.median, python.counts) == (2, 3.0, (0, 1, 0, 1, 0, 1))
    assert (sql.at_target, sql.median, sql.counts) == (2, 4.0, (0, 0, 1, 0, 2, 0))
    assert (viz.at_target, viz.median, viz.counts) == (1, 1.0, (1, 1, 1, 0, 0, 0))


def test_a_result_sums_weight_times_gap_exactly():
    # python: w 1 × gaps (3+3+0) = 6; sql: w 2 × gaps (1+0+0) = 2; viz: w 0.5 × gaps (2+0+0) = 1
    result = aggregate_of(COLUMNS, [report([0, 3, 0]), report([0, 4, 2]), report([3, 4, 2])])
    assert [(a.column.slug, a.priority, a.below) for a in result.skills] == [
        ("python", Fraction(6), 2),
        ("sql", Fraction(2), 1),
        ("viz", Fraction(1), 1),
    ]


def test_a_stored_result_reads_back_equal():
    result = aggregate_of(
        COLUMNS, [report([0, 3, 1]), report([2, 4, 2]), report([3, 1, 2])], courses=courses(), certifications=()
    )
    record = result_record(result)
    assert result_from_record(record) == result
    assert [s["priority"] for s in record["skills"]] == ["4", "8", "0.5"]  # exact, as text


def test_an_unknown_record_version_is_refused():
    with pytest.raises(ValueError, match="version"):
        result_from_record({"version": 99})


# --- named members --------------------------------------------------------------------------------


def test_named_rows_carry_verdict_and_readiness_closest_to_ready_first():
    rows = individual_rows(COLUMNS, [person("Far", [0, 0, 0]), person("Ready", [3, 4, 2]), person("Near", [3, 3, 2])])
    assert [r.display_name for r in rows] == ["Ready", "Near", "Far"]
    assert rows[0].verdict == "Meets the required bar" and rows[0].readiness == 100
    assert rows[1].verdict == "1 of 2 required skills below target"
    assert rows[2].readiness == 0


def test_evidence_is_in_a_row_only_when_shared():
    rows = individual_rows(COLUMNS, [person("A", [1, 1, 1]), person("B", [2, 1, 1], evidence=True)])
    a, b = sorted(rows, key=lambda r: r.display_name)
    assert a.evidence == () and all(c.evidence == "" for c in a.cells)
    assert b.evidence[0] == ("Python", "python evidence")


# --- the summary ---------------------------------------------------------------------------------


def test_there_is_no_summary_without_anybody_to_count():
    assert team_summary(COLUMNS, [], None) is None


def test_risks_are_skills_with_at_most_one_person_at_target():
    summary = team_summary(COLUMNS, [report([0, 4, 2]), report([1, 4, 0]), report([2, 4, 0])])
    assert [(r.column.slug, r.kind) for r in summary.risks] == [("python", "nobody"), ("viz", "one")]


def test_the_summary_adds_named_members_to_a_released_result():
    result = aggregate_of(COLUMNS, [report([3, 4, 2]), report([3, 0, 2]), report([0, 4, 2])])
    named = [report([3, 0, 0])]
    summary = team_summary(COLUMNS, named, result, courses=courses())
    assert (summary.named, summary.hidden, summary.people) == (1, 3, 4)
    python = next(g for g in summary.gaps if g.column.slug == "python")
    assert (python.priority, python.members_below) == (Fraction(3), 1)  # only the hidden one below
    sql = next(g for g in summary.gaps if g.column.slug == "sql")
    assert (sql.priority, sql.members_below) == (Fraction(16), 2)  # 2 × 4 from each of two people
    assert summary.gaps[0].column.slug == "sql"
    assert summary.risks == []  # everyone: at least two at target
    assert [p.title for p in summary.offerings] == ["SQL Course", "Python Course"]
    assert summary.gaps[0].offerings == ("SQL Course",)


# --- exports -------------------------------------------------------------------------------------


def test_the_json_ratings_verdict_and_readiness_are_the_reports_own():
    rows = individual_rows(COLUMNS, [person("A", [3, 4, 2])])
    data = matrix_data(VIEW_ROLE, ["A"], view_of(rows))
    assert data["individuals"] == [
        {
            "display_name": "A",
            "readiness": 100,
            "meets_required_bar": True,
            "verdict": "Meets the required bar",
            "ratings": {"python": 3, "sql": 4, "viz": 2},
        }
    ]
    assert data["aggregate"] is None and data["risks"] == [] and data["team_gaps"] == []


def test_the_json_aggregate_has_counts_median_and_at_target_per_skill():
    result = aggregate_of(COLUMNS, [report([3, 4, 0]), report([1, 4, 2]), report([5, 2, 1])])
    data = matrix_data(
        VIEW_ROLE, [], view_of(aggregate=result, cycle={"id": 1, "closed_on": "2027-01-31", "contributors": 3})
    )
    assert data["aggregate"]["python"] == {
        "contributors": 3,
        "at_target": 2,
        "median": 3.0,
        "counts": [0, 1, 0, 1, 0, 1],
    }
    assert Decimal(str(data["aggregate"]["sql"]["median"])) == 4


def test_the_csv_has_a_person_by_skill_grid_and_a_skill_summary():
    rows = individual_rows(COLUMNS, [person("=Bea", [3, 4, 2]), person("Al", [1, 0, 0])])
    result = aggregate_of(COLUMNS, [report([3, 4, 0]), report([1, 4, 2]), report([5, 2, 1])])
    summary = team_summary(COLUMNS, [report([3, 4, 2]), report([1, 0, 0])], result, courses=courses())
    cycle = {"id": 1, "closed_on": "2027-01-31", "contributors": 3}
    data = matrix_data(VIEW_ROLE, ["=Bea", "Al"], view_of(rows, result, summary, cycle))
    lines = list(csv.reader(io.StringIO("\n".join(",".join(map(str, r)) for r in matrix_rows(data)))))
    header = lines.index(["member", "verdict", "readiness %", "Python", "SQL", "Visualisation"])
    assert lines[header + 1] == ["'=Bea", "Meets the required bar", "100", "3", "4", "2"]  # formula-safe
    assert lines[header + 2][0] == "Al" and lines[header + 2][3:] == ["1", "0", "0"]
    summary_at = lines.index(["skill", "people", "at or above target", "median", *(f"level {n}" for n in range(6))])
    assert lines[summary_at + 1] == ["python", "3", "2", "3.0", "0", "1", "0", "1", "0", "1"]
    assert any(line[:1] == ["Team gaps (named members and the aggregate)"] for line in lines)


def test_the_exports_carry_evidence_and_a_plan_only_for_members_who_share_them():
    plan = ({"skill": "SQL", "target_level": 3, "action": "Take the SQL course", "status": "in_progress"},)
    rows = individual_rows(COLUMNS, [person("Al", [1, 1, 1]), person("Bea", [2, 1, 1], evidence=True, plan=plan)])
    data = matrix_data(VIEW_ROLE, ["Al", "Bea"], view_of(rows))
    al = next(p for p in data["individuals"] if p["display_name"] == "Al")
    bea = next(p for p in data["individuals"] if p["display_name"] == "Bea")
    assert "evidence" not in al and "plan" not in al
    assert bea["evidence"]["python"] == "python evidence"
    assert bea["plan"] == [plan[0]]
    csv_rows = list(matrix_rows(data))
    assert ["Bea", "plan", "SQL", 3, "Take the SQL course (in_progress)"] in csv_rows
    assert not any(row[:2] in (["Al", "plan"], ["Al", "evidence"]) for row in csv_rows)
