"""The report's downloads, and the report staying private to its owner."""

import csv
import io
import json

import pytest
from playwright.sync_api import expect

from assessments.reports import CSV_HEADER
from assessments.tests.factories import submitted_for
from roles.models import Role

from .helpers import SENIOR_ML, gaps_of, log_in, planned_levels, role_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    return download.suggested_filename, download.path().read_text(encoding="utf-8")


def test_owner_downloads_json_and_csv_and_another_user_gets_404_for_the_report(new_context, shipped_roles, alice, bob):
    targets = role_targets(SENIOR_ML)
    plan = planned_levels(targets)
    report = submitted_for(alice, Role.objects.get(slug=SENIOR_ML), levels=plan)
    page = new_context(accept_downloads=True).new_page()
    log_in(page, "alice")
    page.goto(f"/assessments/{report.pk}/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your gap report: Senior ML Engineer")

    name, text = download(page, "Download JSON")
    assert name == f"careerpath-report-{report.pk}.json"
    data = json.loads(text)
    assert data["role"]["slug"] == SENIOR_ML
    assert set(data["gaps"]) == gaps_of(plan, targets)
    assert {s["slug"]: s["rating"] for s in data["skills"]} == plan
    shown = page.locator("[data-testid=gap-list] li[data-skill]").evaluate_all("els => els.map(e => e.dataset.skill)")
    assert data["gaps"] == shown  # same gaps, same order as the page

    name, text = download(page, "Download CSV")
    assert name == f"careerpath-report-{report.pk}.csv"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(CSV_HEADER)
    assert sorted(row[0] for row in rows[1:]) == sorted(targets)  # one row per skill
    by_slug = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert {slug: int(row["rating"]) for slug, row in by_slug.items()} == plan

    bob_page = new_context().new_page()
    log_in(bob_page, "bob")
    for path in ["report/", "report.json", "report.csv"]:
        response = bob_page.goto(f"/assessments/{report.pk}/{path}")
        assert response.status == 404, path
        expect(bob_page.get_by_role("heading", level=1)).to_have_text("Page not found")
