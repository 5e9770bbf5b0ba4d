"""The public endpoints: roles and skills, their filters, pagination, and the error shape."""

import pytest
from django.test import Client

from api.tests.factories import bearer, token_for
from roles.models import RoleCourse, RoleFieldSource, Skill
from roles.tests.factories import make_role, shipped_source, sourced_guide

pytestmark = pytest.mark.django_db


def error_of(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "fields"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]


def test_a_visitor_lists_published_roles_by_slug_and_never_drafts(client):
    make_role(title="Zeta Role")
    make_role(title="Alpha Role")
    make_role(title="Hidden Role", is_published=False)
    response = client.get("/api/v1/roles/")
    assert response.status_code == 200
    body = response.json()
    assert [r["slug"] for r in body["results"]] == ["alpha-role", "zeta-role"]
    assert body["results"][0]["web_url"] == "/roles/alpha-role/"
    assert set(body) == {"next", "previous", "results"}


def test_staff_also_see_draft_roles(staff_client):
    make_role(title="Hidden Role", is_published=False)
    assert [r["slug"] for r in staff_client.get("/api/v1/roles/").json()["results"]] == ["hidden-role"]


def test_roles_filter_by_words_and_family(client):
    one = make_role(title="Data Wrangler")
    make_role(title="Pipeline Plumber")
    assert [r["slug"] for r in client.get("/api/v1/roles/?q=wrangl").json()["results"]] == ["data-wrangler"]
    found = client.get(f"/api/v1/roles/?family={one.family.slug}").json()["results"]
    assert [r["slug"] for r in found] == ["data-wrangler"]


def test_an_unknown_family_is_a_400_naming_the_parameter(client):
    make_role(title="Data Wrangler")
    error = error_of(client.get("/api/v1/roles/?family=no-such-family"), 400, "invalid")
    assert list(error["fields"]) == ["family"]


def test_cursor_pagination_walks_every_role_once(client):
    for n in range(5):
        make_role(title=f"Role {n}", required=1, differentiating=0)
    seen, url = [], "/api/v1/roles/?page_size=2"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [r["slug"] for r in body["results"]]
        url = body["next"]
    assert seen == [f"role-{n}" for n in range(5)]


@pytest.mark.parametrize("size", ["0", "101", "ten", "-1"])
def test_a_page_size_out_of_range_is_a_400(client, size):
    error = error_of(client.get(f"/api/v1/roles/?page_size={size}"), 400, "invalid")
    assert list(error["fields"]) == ["page_size"]


def test_a_forged_cursor_is_a_400_not_a_500(client):
    error = error_of(client.get("/api/v1/roles/?cursor=bz1hYmM%3D"), 400, "invalid")
    assert list(error["fields"]) == ["cursor"]


def test_role_detail_has_skills_offerings_descriptors_and_sources_without_editor_notes(client):
    role = sourced_guide()
    first = role.role_skills.select_related("skill").order_by("order")[0]
    Skill.objects.filter(pk=first.skill_id).update(descriptor_3="Ships it alone.")
    course_role = make_role(title="Other", courses=1)
    link = RoleCourse.objects.get(role=course_role)
    link.role = role
    link.save()
    link.sources.set([shipped_source("career-guide")])
    response = client.get(f"/api/v1/roles/{role.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert "Merged from two guides" not in response.content.decode()  # editor notes never reach a reader
    skill = body["skills"][0]
    assert skill == {
        "slug": first.skill.slug,
        "name": first.skill.name,
        "category": "General",
        "kind": "required",
        "target": 3,
        "weight": 1.0,
        "commonly_missing": False,
        "note": "What the role needs, for readers.",
        "level_descriptors": [{"level": 3, "name": "Practitioner", "text": "Ships it alone."}],
        "sources": ["decipheru"],
    }
    assert [s["kind"] for s in body["skills"]] == ["required", "required", "differentiating"]
    assert body["skills"][2]["weight"] == 0.5
    course = body["courses"][0]
    assert course["skills"][0]["level"] == 3 and course["sources"] == ["career-guide"]
    assert [s["key"] for s in body["sources"]] == ["career-guide", "decipheru"]  # FAQ cites are not listed twice
    assert RoleFieldSource.objects.filter(role=role).exists()


def test_a_draft_role_is_a_404_in_the_error_shape(client):
    make_role(title="Hidden Role", is_published=False)
    error_of(client.get("/api/v1/roles/hidden-role/"), 404, "not_found")


def test_an_unknown_api_path_is_a_404_in_the_error_shape(client):
    error = error_of(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert "/api/v1/no-such-thing/" in error["message"]


def test_a_path_without_its_final_slash_says_which_path_was_meant(client):
    error = error_of(client.get("/api/v1/roles"), 404, "not_found")
    assert "Did you mean /api/v1/roles/?" in error["message"]


def test_a_write_to_a_read_only_endpoint_is_a_405_in_the_error_shape(client):
    error_of(client.post("/api/v1/roles/", {}), 405, "method_not_allowed")


def test_skills_list_only_those_published_roles_use(client):
    make_role(title="Public", required=1, differentiating=0)
    make_role(title="Hidden", required=1, differentiating=0, is_published=False)
    slugs = [s["slug"] for s in client.get("/api/v1/skills/").json()["results"]]
    assert len(slugs) == 1
    detail = client.get(f"/api/v1/skills/{slugs[0]}/").json()
    assert [r["slug"] for r in detail["roles"]] == ["public"]
    hidden = Skill.objects.exclude(slug=slugs[0]).get()
    error_of(client.get(f"/api/v1/skills/{hidden.slug}/"), 404, "not_found")


def test_a_token_with_read_roles_reads_roles_and_one_without_it_gets_a_403(alice):
    make_role(title="Data Wrangler")
    _row, good = token_for(alice, "read:roles")
    _row, other = token_for(alice, "read:reports")
    assert Client().get("/api/v1/roles/", **bearer(good)).status_code == 200
    error = error_of(Client().get("/api/v1/roles/", **bearer(other)), 403, "insufficient_scope")
    assert "read:roles" in error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer cpat_short",
        "Bearer " + "x" * 48,
        "Bearer cpat_" + "é" * 43,
        "Bearer cpat_" + "a" * 43,
    ],
)
def test_a_malformed_or_unknown_token_is_a_401_never_a_visitor(header):
    make_role(title="Data Wrangler")
    response = Client().get("/api/v1/roles/", HTTP_AUTHORIZATION=header)
    error_of(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == 'Bearer realm="careerpath"'


def test_a_fault_inside_the_api_is_a_logged_500_in_the_error_shape(client, monkeypatch, caplog):
    from api.views import RoleList

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(RoleList, "get_queryset", broken)
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/api/v1/roles/")
    error_of(response, 500, "server_error")
    assert "a bug" not in response.content.decode()  # nothing of the fault reaches the caller
    assert response["Cache-Control"] == "no-store"
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_a_database_outage_inside_the_api_is_a_503_in_the_error_shape(client, monkeypatch):
    from django.db import OperationalError

    from api.views import RoleList

    def away(self):
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(RoleList, "get_queryset", away)
    response = client.get("/api/v1/roles/")
    error_of(response, 503, "unavailable")
    assert response["Retry-After"].isdigit()


def test_the_case_export_is_the_guides_case_json_and_drafts_have_none(client):
    from django.urls import reverse

    role = make_role(title="Data Wrangler")
    draft = make_role(title="Hidden Role", is_published=False)

    response = client.get(f"/api/v1/roles/{role.slug}/case/")

    assert response.status_code == 200
    site = client.get(reverse("roles:case", args=[role.slug])).json()
    assert response.json() == site
    assert response.json()["CFDocument"]["title"] == "Data Wrangler"
    error_of(client.get(f"/api/v1/roles/{draft.slug}/case/"), 404, "not_found")
