"""Bad input, generated: the rating step, autosave, evidence notes, sign-up (and its throttle), drafts of
unpublished roles, the plan's calendar file and the role importer.

Whatever arrives (any text, numbers, unicode, NUL characters, which PostgreSQL cannot store, broken
bodies, random file structures), the answer is a success or a clear refusal, never a server error,
and a refused request saves nothing.

Hypothesis reuses one database for all the examples of a test, so each example compares the rows
before and after its own request. Example counts are kept modest so the module stays well under a
minute on SQLite and PostgreSQL.
"""

import json
import string
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessments.models import EVIDENCE_MAX_LENGTH, Assessment, Rating
from assessments.steps import build_steps
from assessments.tests.factories import draft_for
from roles.models import Course, Family, Role, RoleSkill, Skill
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- strategies ------------------------------------------------------------------------------------

# Any text the test client can send (lone surrogates cannot be encoded as UTF-8 at all).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
LONG_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=990, max_size=1010)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "3\x00",
        "\x00" * 5,
        "-1",
        "6",
        "3.0",
        " 3 ",
        "1e3",
        "0x3",
        "٣",  # an Arabic-Indic 3
        "３",  # a fullwidth 3
        "²",
        "9" * 40,
        "null",
        "true",
        "[]",
        "{}",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\u202eevil",
        "\r\n\r\n",
        "é" * 1001,
        "x" * EVIDENCE_MAX_LENGTH,
        " " * 2000,
    ]
)
TEXT = st.one_of(NASTY, ANY_TEXT, LONG_TEXT)
LEVEL = st.one_of(st.sampled_from([str(n) for n in range(6)]), st.integers(-(10**20), 10**20).map(str), TEXT)
FIELD_NAME = st.one_of(
    st.sampled_from(["user", "assessment", "status", "token", "is_staff", "csrfmiddlewaretoken", "next", "exit"]),
    st.text(string.ascii_letters + "-_", min_size=1, max_size=12),
)


def value_or_list(strategy):
    """One value, or several for the same field name (the last one usually wins)."""
    return st.one_of(strategy, st.lists(strategy, min_size=1, max_size=3))


def last(value):
    return value[-1] if isinstance(value, list) else value


def valid_level(value):
    return last(value) in {str(n) for n in range(6)}


# --- the draft being rated ----------------------------------------------------------------------


@pytest.fixture
def draft_page(alice):
    role = make_role(required=3, differentiating=1, title="Fuzzed Role")
    draft = draft_for(alice, role)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    role_skills = list(RoleSkill.objects.filter(role=role).select_related("skill").order_by("order", "id"))
    first_step = build_steps(role_skills)[0]
    return {
        "draft": draft,
        "client": client,
        "skills": [rs.skill for rs in first_step.items],
        "step_url": reverse("assessments:step", args=[draft.pk, 1]),
        "rate_url": reverse("assessments:rate", args=[draft.pk]),
    }


def ratings_of(draft):
    return {
        r.skill.slug: (r.level, r.evidence) for r in Rating.objects.filter(assessment=draft).select_related("skill")
    }


def assert_storable(draft):
    """What is stored is always something PostgreSQL stores and the report can show."""
    for level, evidence in ratings_of(draft).values():
        assert 0 <= level <= 5
        assert "\x00" not in evidence
        assert len(evidence) <= EVIDENCE_MAX_LENGTH
        assert evidence == evidence.strip()


@st.composite
def step_posts(draw, skills):
    data = {}
    for skill in skills:
        if draw(st.booleans()):
            data[f"level-{skill.slug}"] = draw(value_or_list(LEVEL))
        if draw(st.booleans()):
            data[f"evidence-{skill.slug}"] = draw(value_or_list(TEXT))
    data.update(draw(st.dictionaries(FIELD_NAME, TEXT, max_size=3)))
    return data


@FUZZ
@given(data=st.data())
@example(data=None)  # the NUL character on its own, always tried
def test_the_rating_step_saves_valid_answers_and_refuses_the_rest_without_a_500(draft_page, data):
    skills, draft, client = draft_page["skills"], draft_page["draft"], draft_page["client"]
    if data is None:
        post = {f"level-{skills[0].slug}": "3", f"evidence-{skills[0].slug}": "before\x00after"}
    else:
        post = data.draw(step_posts(skills))
    before = ratings_of(draft)

    response = client.post(draft_page["step_url"], post)

    assert response.status_code < 500, post
    after = ratings_of(draft)
    if response.status_code == 302:
        for skill in skills:
            level = post.get(f"level-{skill.slug}")
            if level is not None and valid_level(level):
                evidence = last(post.get(f"evidence-{skill.slug}", "")).strip()
                assert after[skill.slug] == (int(last(level)), evidence), post
            elif last(level) in (None, ""):
                assert after.get(skill.slug) == before.get(skill.slug), post
    else:
        assert response.status_code in {200, 400}, post
        assert after == before, f"a refused step saved something: {post!r}"
    assert_storable(draft)
    draft.refresh_from_db()
    assert draft.is_draft


@FUZZ
@given(
    skill=st.one_of(st.sampled_from(["SKILL0", "SKILL1"]), TEXT),
    level=value_or_list(LEVEL),
    evidence=st.one_of(st.none(), value_or_list(TEXT)),
    extra=st.dictionaries(FIELD_NAME, TEXT, max_size=2),
)
@example(skill="SKILL0", level="4", evidence="\x00", extra={})
@example(skill="SKILL0", level="4\x00", evidence="", extra={})
@example(skill="SKILL0\x00", level="4", evidence="", extra={})
def test_autosave_saves_a_valid_rating_and_refuses_anything_else_without_a_500(
    draft_page, skill, level, evidence, extra
):
    real = {"SKILL0": draft_page["skills"][0].slug, "SKILL1": draft_page["skills"][1].slug}
    skill = real.get(skill, skill)
    post = {**extra, "skill": skill, "level": level}
    if evidence is not None:
        post["evidence"] = evidence
    draft = draft_page["draft"]
    before = ratings_of(draft)

    response = draft_page["client"].post(draft_page["rate_url"], post)

    assert response.status_code < 500, post
    after = ratings_of(draft)
    if response.status_code == 200:
        assert response.json()["saved"] is True
        assert after[skill] == (int(last(level)), last(evidence or "").strip())
        assert {k: v for k, v in after.items() if k != skill} == {k: v for k, v in before.items() if k != skill}
    else:
        assert response.status_code == 400, post
        assert response.json()["saved"] is False
        assert response.json()["error"]
        assert after == before, f"a refused autosave saved something: {post!r}"
    assert_storable(draft)


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=no-such-charset",
]


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=300), TEXT.map(lambda t: t.encode())), content_type=st.sampled_from(CONTENT_TYPES)
)
@example(body=b"skill=SKILL&level=3&evidence=%00", content_type="application/x-www-form-urlencoded")
@example(body=b"skill=%ff%fe&level=3", content_type="application/x-www-form-urlencoded")
@example(
    body=b'--xyz\r\nContent-Disposition: form-data; name="level"\r\n\r\n3',
    content_type="multipart/form-data; boundary=xyz",
)
def test_autosave_and_step_survive_broken_request_bodies(draft_page, body, content_type):
    body = body.replace(b"SKILL", draft_page["skills"][0].slug.encode())
    before = ratings_of(draft_page["draft"])
    for url in (draft_page["rate_url"], draft_page["step_url"]):
        response = draft_page["client"].generic("POST", url, body, content_type=content_type)
        assert response.status_code < 500, (url, body, content_type)
    after = ratings_of(draft_page["draft"])
    changed = {slug for slug in after if after[slug] != before.get(slug)}
    assert changed <= {draft_page["skills"][0].slug}  # only a well-formed rating of a real skill can land
    assert_storable(draft_page["draft"])


# --- text in URLs ------------------------------------------------------------------------------


@FUZZ
@given(text=TEXT)
@example(text="abc\x00def")  # PostgreSQL: a NUL in a share token must be a 404, not a DataError
@example(text="..")
@example(text="dashboard")  # no slash, no dot: must never reach reverse() as a view name
@example(text="*x")
@example(text="//evil.example")
def test_public_urls_with_any_text_in_the_path_or_query_never_fail(db, text):
    client = Client(raise_request_exception=False)
    quoted = quote(text, safe="")
    urls = [
        f"/r/{quoted}/",
        f"/review/{quoted}/",
        f"/roles/{quoted}/",
        f"/skills/{quoted}/",
        f"/accounts/reset/{quoted}/{quoted}/",
        "/roles/?" + urlencode({"q": text, "family": text}),
        "/accounts/login/?" + urlencode({"next": text}),
        "/accounts/signup/?" + urlencode({"next": text}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in {301, 302}:
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//"), f"{url} redirects off site"


# --- sign-up ------------------------------------------------------------------------------------

VALID_SIGNUP = {
    "username": "newuser",
    "email": "n@example.com",
    "password1": "a-long-safe-passphrase",
    "same": True,
    "password2": "",
}


@FUZZ
@given(
    username=st.one_of(TEXT, st.from_regex(r"\A[a-z][a-z0-9_.+@-]{2,20}\Z")),
    email=st.one_of(TEXT, st.emails()),
    password1=TEXT,
    same=st.booleans(),
    password2=TEXT,
    extra=st.dictionaries(FIELD_NAME, TEXT, max_size=2),
)
@example(
    username="new\x00user", email="n@example.com", password1="a-long-safe-passphrase", same=True, password2="", extra={}
)
@example(
    username="newuser", email="n\x00@example.com", password1="a-long-safe-passphrase", same=True, password2="", extra={}
)
@example(
    username="newuser", email="n@example.com", password1="a-long-safe\x00passphrase", same=True, password2="", extra={}
)
@example(username="ALICE", email="x@example.com", password1="a-long-safe-passphrase", same=True, password2="", extra={})
# A valid sign-up with a `next` that is not a path: one with no slash and no dot was reversed as a
# view name, a 500 after the account was made (the second is the fuzzer's own find).
@example(**VALID_SIGNUP, extra={"next": "dashboard"})
@example(**VALID_SIGNUP, extra={"next": "*\U000bb289\U00079c85"})
@example(**VALID_SIGNUP, extra={"next": "//evil.example"})
def test_signup_creates_an_ordinary_user_or_shows_form_errors_without_a_500(
    alice, username, email, password1, same, password2, extra
):
    post = {**extra, "username": username, "email": email, "password1": password1}
    post["password2"] = password1 if same else password2
    users_before = set(User.objects.values_list("pk", flat=True))
    cache.clear()  # each example its own sign-up count (the throttle is fuzzed below)

    response = Client(raise_request_exception=False).post(reverse("account_signup"), post)

    assert response.status_code < 500, post
    new = User.objects.exclude(pk__in=users_before)
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/") and not location.startswith("//"), f"signup redirects off site: {location}"
        assert new.count() == 1
        user = new.get()
        assert not user.is_staff and not user.is_superuser
        assert "\x00" not in user.username + user.email
        assert user.check_password(post["password1"])
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not new.exists(), f"a refused sign-up created a user: {post!r}"


ADDRESS = st.one_of(
    st.ip_addresses().map(str),
    TEXT,
    st.lists(st.one_of(st.ip_addresses().map(str), ANY_TEXT), max_size=4).map(", ".join),
)


@FUZZ
@given(forwarded=ADDRESS, remote=st.ip_addresses().map(str), proxies=st.integers(0, 3), tries=st.integers(1, 12))
@example(forwarded="unknown, \x00", remote="127.0.0.1", proxies=1, tries=11)
@example(forwarded=", , ,", remote="::1", proxies=3, tries=11)
def test_the_sign_up_throttle_takes_any_forwarded_header_without_a_500(db, settings, forwarded, remote, proxies, tries):
    """Whatever X-Forwarded-For says, sign-up answers 200 (a refused form) or, past the limit, 429."""
    settings.TRUSTED_PROXY_COUNT = proxies
    cache.clear()
    client = Client(raise_request_exception=False)
    post = {"username": "x", "email": "not-an-email", "password1": "a", "password2": "b"}
    codes = [
        client.post(reverse("account_signup"), post, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code
        for _ in range(tries)
    ]
    assert codes == [200] * min(tries, 10) + [429] * max(tries - 10, 0)
    assert not User.objects.filter(username="x").exists()


# --- a draft of a role that was unpublished ----------------------------------------------------


@FUZZ
@given(data=st.data())
def test_a_draft_of_an_unpublished_role_refuses_any_post_and_saves_nothing(draft_page, data):
    """Autosave answers 410 JSON and the step the 410 page, whatever is sent; no rating changes."""
    draft, client, skills = draft_page["draft"], draft_page["client"], draft_page["skills"]
    Role.objects.filter(pk=draft.role_id).update(is_published=False)
    before = ratings_of(draft)
    rate = data.draw(st.dictionaries(st.sampled_from(["skill", "level", "evidence"]), TEXT, max_size=3))
    if data.draw(st.booleans()):
        rate["skill"] = skills[0].slug
    response = client.post(draft_page["rate_url"], rate)
    assert response.status_code == 410 and json.loads(response.content)["saved"] is False
    response = client.post(draft_page["step_url"], data.draw(step_posts(skills)))
    assert response.status_code == 410 and "This role is no longer offered" in response.content.decode()
    assert ratings_of(draft) == before


# --- the plan's calendar file ------------------------------------------------------------------

CONTROL_TEXT = st.text(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x00", "\x1b", "\x9b"]),
    ),
    max_size=80,
)


@pytest.fixture
def plan_world(alice):
    from assessments import services
    from assessments.tests.factories import submitted_for

    role = make_role(required=2, differentiating=0, title="Calendar Role")
    first = role.role_skills.select_related("skill").order_by("order")[0].skill
    report = submitted_for(alice, role, level=3, levels={first.slug: 1})
    plan, _ = services.create_plan(assessment=report)
    return plan


@FUZZ
@given(action=CONTROL_TEXT, notes=CONTROL_TEXT, title=CONTROL_TEXT.filter(lambda t: t.strip()))
@example(action="Act\rBEGIN:VALARM\rTRIGGER:-PT1M\rEND:VALARM", notes="\u2028END:VEVENT", title="R\x85X-A:1")
def test_the_calendar_file_has_one_event_and_no_raw_control_character_whatever_is_typed(
    plan_world, action, notes, title
):
    import datetime as dt

    from icalendar import Calendar

    from assessments.calendar import plan_ics

    item = plan_world.items.order_by("order").first()
    item.action, item.notes, item.target_date = (
        action.replace("\x00", ""),
        notes.replace("\x00", ""),
        dt.date(2030, 1, 1),
    )
    item.save()
    Role.objects.filter(pk=plan_world.assessment.role_id).update(title=title.replace("\x00", "")[:160])
    plan_world.assessment.role.refresh_from_db()

    text = plan_ics(plan_world).decode("utf-8")

    body = text.replace("\r\n", "")
    assert not [c for c in body if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"]
    unfolded = text.replace("\r\n ", "").split("\r\n")
    assert [line for line in unfolded if line.startswith("BEGIN:")] == ["BEGIN:VCALENDAR", "BEGIN:VEVENT"]
    assert len(Calendar.from_ical(text).walk("VEVENT")) == 1


# --- the role importer ----------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    TEXT,
)
KEYS = st.one_of(
    st.sampled_from(
        ["slug", "title", "family", "skills", "levels", "target", "weight", "kind", "role", "1", "6", "²", "٣", " 3 "]
    ),
    st.text(max_size=12),
    st.integers(-3, 9),
)
JUNK = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)),
    max_leaves=12,
)

ROLE_TABLES = (Role, Family, Skill, RoleSkill, Course)


def table_counts():
    return {m.__name__: m.objects.count() for m in ROLE_TABLES}


def write(path, data, fmt):
    if fmt == "json":
        path.write_text(json.dumps(data, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def import_expecting_success_or_command_error(path):
    """Run the command; a CommandError is a clear refusal. Anything else propagates and fails the test."""
    try:
        call_command("import_roles", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError as error:
        assert str(error).strip(), "a refusal says what is wrong"
        return False
    return True


def test_the_import_roles_command_exists():
    from django.core.management import get_commands

    assert "import_roles" in get_commands(), "the fuzz tests below would pass vacuously without it"


@pytest.fixture
def stored_guides(db):
    """Every shipped role guide, so a mutated guide's references to other roles resolve."""
    call_command("import_roles", *sorted(str(p) for p in (ROOT / "content/roles").glob("*.yaml")), stdout=None)
    return yaml.safe_load((ROOT / "content/roles/ml-engineer.yaml").read_text())


@FUZZ
@given(data=JUNK, fmt=st.sampled_from(["yaml", "json"]))
@example(data={"slug": "x", "title": "X", "family": "F", "skills": [{"slug": "s", "levels": {"²": "two"}}]}, fmt="yaml")
@example(data=[1, 2, 3], fmt="json")
@example(data=float("nan"), fmt="json")
def test_importing_a_file_of_random_structure_is_a_command_error_and_saves_nothing(tmp_path, db, data, fmt):
    path = tmp_path / f"random-role.{fmt}"
    write(path, data, fmt)
    before = table_counts()
    if not import_expecting_success_or_command_error(path):
        assert table_counts() == before


@st.composite
def mutated(draw, base):
    """The shipped guide with one value somewhere replaced by junk, removed, or a junk key added."""
    node = base
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return base
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.integers(0, 3)):
            node = child  # go deeper, usually
            continue
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "remove":
            del node[key]
        elif action == "add" and isinstance(node, dict):
            node[draw(KEYS)] = draw(JUNK)
        else:
            node[key] = draw(JUNK)
        return base


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["yaml", "json"]))
def test_importing_a_damaged_role_guide_is_a_command_error_or_a_clean_import(stored_guides, tmp_path, data, fmt):
    guide = data.draw(mutated(json.loads(json.dumps(stored_guides, default=str))))
    path = tmp_path / f"ml-engineer.{fmt}"
    write(path, guide, fmt)
    before = table_counts()
    if not import_expecting_success_or_command_error(path):
        assert table_counts() == before


YAML_SNIPPETS = st.sampled_from(
    [
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!python/object:os.system {}",
        "&a [*a]",
        "2025-02-30",
        "2025-12-31 10:00:00",
        ".nan",
        "-.inf",
        "0o777",
        "1_000",
        "~",
        "? [a, b]\n: c",
        "{[1]: 2}",
        "'unterminated",
        "\t- tab",
        "\x00",
        "\ufeffslug: bom",
        "%YAML 9.9\n---\na: 1",
        "--- a\n--- b",
        "*undefined_alias",
    ]
)


@FUZZ
@given(text=st.one_of(ANY_TEXT, YAML_SNIPPETS, st.builds(lambda k, v: f"{k}: {v}", KEYS.map(str), YAML_SNIPPETS)))
@example(text="slug: x\nskills:\n  - &s {slug: s, levels: {1: *s}}\n")
@example(text="skills: &a [*a]\n")
def test_importing_raw_yaml_text_of_any_kind_is_a_command_error_or_a_clean_import(tmp_path, db, text):
    path = tmp_path / "raw-role.yaml"
    path.write_text(text, encoding="utf-8")
    before = table_counts()
    if not import_expecting_success_or_command_error(path):
        assert table_counts() == before


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00s\x00l", b"slug: \xc3\x28", b"\x00\x00\x00"])
def test_importing_a_file_that_is_not_utf8_is_a_command_error(tmp_path, db, raw):
    path = tmp_path / "binary-role.yaml"
    path.write_bytes(raw)
    with pytest.raises(CommandError):
        call_command("import_roles", str(path))
    assert Role.objects.count() == 0


def test_the_fuzzed_draft_never_left_draft_state(draft_page):
    """A sanity check of the fixture the tests above share."""
    assert Assessment.objects.get(pk=draft_page["draft"].pk).is_draft


# --- second opinions (reviews) ------------------------------------------------------------------


@pytest.fixture
def review_pages(alice, bob):
    from assessments.tests.factories import submitted_for
    from reviews import services as review_services

    role = make_role(required=3, differentiating=1, title="Fuzzed Review Role")
    assessment = submitted_for(alice, role)
    slugs = [s["slug"] for s in assessment.snapshot["skills"]]
    review_request, _token = review_services.request_review(assessment=assessment, display_name="A", skills=slugs[:2])
    review, _ = review_services.take_request(review_request=review_request, user=bob)
    reviewer, owner = Client(raise_request_exception=False), Client(raise_request_exception=False)
    reviewer.force_login(bob)
    owner.force_login(alice)
    return {"assessment": assessment, "review": review, "slugs": slugs, "reviewer": reviewer, "owner": owner}


def review_rows():
    from reviews.models import Calibration, Review, ReviewRating, ReviewRequest

    return (
        list(ReviewRequest.objects.order_by("pk").values_list("pk", "skills", "reviewer_id", "revoked_at")),
        list(Review.objects.order_by("pk").values_list("pk", "status", "overall_comment")),
        list(ReviewRating.objects.order_by("pk").values_list("pk", "skill_slug", "level", "comment")),
        list(Calibration.objects.order_by("pk").values_list("pk", "skill_slug", "level", "note")),
    )


def assert_reviews_storable():
    from reviews.models import Calibration, ReviewRating

    for level, text in [
        *ReviewRating.objects.values_list("level", "comment"),
        *Calibration.objects.values_list("level", "note"),
    ]:
        assert 0 <= level <= 5 and "\x00" not in text and len(text) <= 1000


@FUZZ
@given(
    skill=st.one_of(st.sampled_from(["SKILL0", "SKILL1", "SKILL3"]), TEXT),
    level=value_or_list(LEVEL),
    evidence=st.one_of(st.none(), value_or_list(TEXT)),
    extra=st.dictionaries(FIELD_NAME, TEXT, max_size=2),
)
@example(skill="SKILL0", level="4", evidence="\x00", extra={})
@example(skill="SKILL3", level="4", evidence="", extra={})  # a skill not in the request
def test_review_autosave_saves_a_valid_rating_and_refuses_anything_else(review_pages, skill, level, evidence, extra):
    slugs = review_pages["slugs"]
    skill = {"SKILL0": slugs[0], "SKILL1": slugs[1], "SKILL3": slugs[3]}.get(skill, skill)
    post = {**extra, "skill": skill, "level": level} | ({} if evidence is None else {"evidence": evidence})
    before = review_rows()
    response = review_pages["reviewer"].post(reverse("reviews:rate", args=[review_pages["review"].pk]), post)
    assert response.status_code < 500, post
    if response.status_code == 200:
        assert skill in slugs[:2] and valid_level(level), post
    else:
        assert response.status_code == 400 and response.json()["error"], post
        assert review_rows() == before, f"a refused autosave saved something: {post!r}"
    assert_reviews_storable()


@FUZZ
@given(data=st.data())
def test_the_review_form_and_calibration_form_refuse_bad_input_without_a_500(review_pages, data):
    from reviews.models import Review

    slugs = review_pages["slugs"]
    review = review_pages["review"]
    post = {}
    for slug in slugs:
        if data.draw(st.booleans()):
            post[f"level-{slug}"] = data.draw(value_or_list(LEVEL))
        if data.draw(st.booleans()):
            post[f"evidence-{slug}"] = data.draw(value_or_list(TEXT))
        if data.draw(st.booleans()):
            post[f"note-{slug}"] = data.draw(value_or_list(TEXT))
    post.update(data.draw(st.dictionaries(FIELD_NAME, TEXT, max_size=3)))
    post["overall_comment"] = data.draw(TEXT)
    if data.draw(st.booleans()):
        post["submit"] = "1"
    before = review_rows()
    response = review_pages["reviewer"].post(reverse("reviews:review", args=[review.pk]), post)
    assert response.status_code in {200, 302}, post
    if response.status_code == 200:
        assert review_rows() == before, f"a refused review form saved something: {post!r}"
    if Review.objects.filter(pk=review.pk, status="submitted").exists():  # a lucky complete submit
        before = review_rows()
        response = review_pages["owner"].post(reverse("reviews:compare", args=[review.pk]), post)
        assert response.status_code in {200, 302}, post
        if response.status_code == 200:
            assert review_rows() == before
    response = review_pages["owner"].post(
        reverse("reviews:manage", args=[review_pages["assessment"].pk]),
        {
            "display_name": data.draw(TEXT),
            "skills": data.draw(st.lists(st.one_of(st.sampled_from(slugs), TEXT), max_size=3)),
        },
    )
    assert response.status_code in {200, 302}, post
    assert_reviews_storable()


@pytest.fixture
def teammate(alice):
    """Tess shares alice's team; bob (the reviewer of review_pages) is in no team with her."""
    from accounts.tests.factories import UserFactory
    from teams.tests.factories import join, team_of

    return join(team_of(alice), UserFactory(username="tess")).user


@FUZZ
@given(
    invitee=value_or_list(st.one_of(st.sampled_from(["TEAMMATE", "OWNER", "STRANGER"]), TEXT)),
    display_name=value_or_list(TEXT),
    skills=st.lists(st.one_of(st.sampled_from(["SKILL0", "SKILL1"]), TEXT), max_size=3),
    show_evidence=st.one_of(st.none(), TEXT),
    extra=st.dictionaries(FIELD_NAME, TEXT, max_size=2),
)
@example(invitee="TEAMMATE", display_name="Al", skills=["SKILL0"], show_evidence=None, extra={})
@example(invitee="OWNER", display_name="Al", skills=["SKILL0"], show_evidence=None, extra={})
@example(invitee="STRANGER", display_name="Al", skills=["SKILL0"], show_evidence="on", extra={})
def test_asking_a_teammate_asks_only_a_teammate_and_refuses_anything_else_without_a_500(
    review_pages, alice, bob, teammate, invitee, display_name, skills, show_evidence, extra
):
    from reviews.models import ReviewRequest

    names = {"TEAMMATE": teammate.pk, "OWNER": alice.pk, "STRANGER": bob.pk}
    invitee = [names.get(v, v) for v in invitee] if isinstance(invitee, list) else names.get(invitee, invitee)
    slugs = review_pages["slugs"]
    post = {f"teammate-{k}": v for k, v in extra.items()} | {
        "teammate-invitee": invitee,
        "teammate-display_name": display_name,
        "teammate-skills": [{"SKILL0": slugs[0], "SKILL1": slugs[1]}.get(v, v) for v in skills],
    }
    if show_evidence is not None:
        post["teammate-show_evidence"] = show_evidence
    before = review_rows()
    response = review_pages["owner"].post(reverse("reviews:ask_teammate", args=[review_pages["assessment"].pk]), post)
    assert response.status_code in {200, 302}, post
    if response.status_code == 302:
        made = ReviewRequest.objects.order_by("-pk").first()
        assert made.invitee_id == teammate.pk, post
    else:
        assert review_rows() == before, f"a refused teammate request saved something: {post!r}"
    assert not ReviewRequest.objects.filter(invitee__in=[alice, bob]).exists()


# --- teams (issue #18) ---------------------------------------------------------------------------


@pytest.fixture
def team_owner(alice):
    from teams import services as team_services

    make_role(title="Data Wrangler")
    team = team_services.create_team(user=alice, name="Data Team", slug="data-team")
    client = Client()
    client.force_login(alice)
    return team, client


def team_rows():
    from teams.models import Assignment, Invitation, Membership, Team

    return {
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name", "slug")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "role", "consent", "share_evidence", "share_plan")
        ),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "role_id", "everyone", "due_date")),
        "invitations": Invitation.objects.count(),
    }


@given(name=TEXT, slug=TEXT)
@FUZZ
def test_creating_a_team_with_any_name_and_slug_creates_it_or_shows_errors(team_owner, name, slug):
    _, client = team_owner
    before = team_rows()
    response = client.post(reverse("teams:create"), {"name": name, "slug": slug})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert team_rows() == before


@given(role=value_or_list(TEXT), who=TEXT, members=value_or_list(TEXT), due=TEXT)
@example(role="data-wrangler", who="everyone", members="", due="2027-01-31")
@example(role="data-wrangler", who="chosen", members=str(2**64), due="")  # was a 500 on SQLite (OverflowError)
@FUZZ
def test_assigning_with_any_input_assigns_or_shows_errors_and_changes_nothing(team_owner, role, who, members, due):
    team, client = team_owner
    before = team_rows()
    data = {"role": role, "who": who, "members": members, "due_date": due}
    response = client.post(reverse("teams:assign", args=[team.slug]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert team_rows() == before


@given(consent=value_or_list(TEXT), evidence=TEXT, plan=TEXT)
@example(consent="aggregates", evidence="on", plan="")
@FUZZ
def test_consent_with_any_input_is_saved_or_refused_without_a_500(team_owner, consent, evidence, plan):
    team, client = team_owner
    before = team_rows()
    data = {"consent": consent, "share_evidence": evidence, "share_plan": plan}
    response = client.post(reverse("teams:consent", args=[team.slug]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert team_rows() == before


@given(email=TEXT, role=TEXT)
@FUZZ
def test_inviting_with_any_email_and_role_invites_or_shows_errors(team_owner, email, role):
    team, client = team_owner
    before = team_rows()
    response = client.post(reverse("teams:invitations", args=[team.slug]), {"email": email, "role": role})
    assert response.status_code == 200
    if response.context["form"].errors:
        assert team_rows() == before


@given(token=TEXT)
@FUZZ
def test_any_invitation_token_is_refused_cleanly(team_owner, token):
    _, client = team_owner
    before = team_rows()
    response = client.post(f"/teams/join/{quote(token, safe='')}/")
    assert response.status_code in (404, 410)
    assert team_rows() == before
