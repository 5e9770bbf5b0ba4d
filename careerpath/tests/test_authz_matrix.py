"""Who may open what: every URL the site has, probed as five people.

- visitor: not logged in;
- bob: logged in, owns nothing of alice's;
- carol: logged in, the reviewer alice asked for a second opinion (reviews app);
- alice: owns the assessments, report, share link and plan the URLs point at;
- staff: an editor (staff and superuser), who has no business with alice's assessments either.

`MATRIX` says, for each URL name, what each person gets for GET and for POST (an empty POST; the
CSRF check is off here, `test_security.py` covers it). A URL the resolver knows but the table does
not name fails `test_every_url_is_in_the_matrix`, so no new page skips the question "who may open
this?". Django admin URLs follow one rule instead (`test_every_admin_url_is_for_staff_only`), and a
sixth person, view-only staff (every view_* permission and nothing else), reads the admin but can
neither see nor run any action nor write through any admin URL.

Someone else's assessment is always a 404, never a 403: a 403 would confirm that it exists.
Every GET leaves every row as it was.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.forms import default_token_generator as allauth_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import int_to_base36, urlsafe_base64_encode

from accounts.tests.factories import UserFactory
from api import services as api_services
from api.models import PersonalAccessToken
from assessments import services
from assessments.models import Assessment, Plan, PlanItem, Rating, ShareLink
from assessments.tests.factories import draft_for, submitted_for
from notices import unsubscribe
from notices.models import Delivery, Kind, Notice, NoticePreference
from reviews import services as review_services
from reviews.models import Calibration, Review, ReviewRating, ReviewRequest
from reviews.tests.factories import review_of
from roles import services as role_services
from roles.models import Role, RoleRevision, RoleSkill, Skill
from roles.tests.factories import make_role
from teams.tests.factories import join, team_of

pytestmark = pytest.mark.django_db

VISITOR, BOB, ALICE, STAFF, REVIEWER = "visitor", "bob", "alice", "staff", "carol"
PRINCIPALS = (VISITOR, BOB, ALICE, STAFF, REVIEWER)
LOGIN = "account_login"  # a 302 to the login page, with ?next=


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the expectations ----------------------------------------------------------------------


def everyone(code):
    return dict.fromkeys(PRINCIPALS, code)


def logged_in(code, *, visitor=LOGIN):
    """A page for any logged-in person (about their own account); visitors are sent to log in."""
    return {VISITOR: visitor, BOB: code, ALICE: code, STAFF: code, REVIEWER: code}


def alices(code, *, visitor=LOGIN):
    """Alice's own object: she gets `code`; everyone else a 404 (visitors: `visitor`)."""
    return {VISITOR: visitor, BOB: 404, ALICE: code, STAFF: 404, REVIEWER: 404}


def visitors_only(code=200):
    """Log-in and sign-up pages: logged-in people are sent on to their dashboard."""
    return {VISITOR: code, BOB: 302, ALICE: 302, STAFF: 302, REVIEWER: 302}


def two_factor(code, *, others=404, visitor=LOGIN):
    """Someone's own authenticator: staff (enrolled) get `code`, the others (none) `others`."""
    return {VISITOR: visitor, BOB: others, ALICE: others, STAFF: code, REVIEWER: others}


def carols(code, *, visitor=LOGIN):
    """Carol's review of alice: she gets `code`; everyone else (alice too, for a draft) a 404."""
    return {VISITOR: visitor, BOB: 404, ALICE: 404, STAFF: 404, REVIEWER: code}


# url name -> {"GET": {principal: code}, "POST": {principal: code}, "writes": principals whose POST may write}
MATRIX = {
    "home": {"GET": everyone(200), "POST": everyone(405)},
    "healthz": {"GET": everyone(200), "POST": everyone(405)},
    "readyz": {"GET": everyone(200), "POST": everyone(405)},
    # accounts
    # accounts: django-allauth's pages (sign-up and password reset through careerpath's throttles)
    "account_login": {"GET": visitors_only(), "POST": visitors_only()},
    "account_logout": {"GET": logged_in(200, visitor=302), "POST": everyone(302)},  # GET asks "log out?"
    "account_signup": {"GET": visitors_only(), "POST": visitors_only()},
    "account_inactive": {"GET": everyone(200), "POST": everyone(405)},
    "account_email": {"GET": logged_in(200), "POST": logged_in(302)},  # empty POST: no action, back to the page
    "account_email_verification_sent": {"GET": everyone(200), "POST": everyone(405)},
    # the key of alice's address, already confirmed: the page says the link was used; POST confirms nothing
    "account_confirm_email": {"GET": everyone(200), "POST": everyone(404)},
    "account_confirm_login_code": {"GET": visitors_only(302), "POST": visitors_only(302)},  # no code was asked for
    "account_reauthenticate": {"GET": logged_in(200), "POST": logged_in(200)},  # empty POST: "enter your password"
    "account_request_reauthentication_code": {"GET": logged_in(200), "POST": logged_in(200)},
    "account_confirm_reauthentication_code": {"GET": logged_in(302), "POST": logged_in(302)},  # no code asked for
    "account_change_password": {"GET": logged_in(200), "POST": logged_in(200)},  # empty POST: form errors
    "account_set_password": {"GET": logged_in(302), "POST": logged_in(302)},  # has a password: on to change it
    "account_reset_password": {"GET": everyone(200), "POST": everyone(200)},  # empty POST: "enter your email"
    "account_reset_password_done": {"GET": everyone(200), "POST": everyone(405)},
    "account_reset_password_from_key": {"GET": everyone(302), "POST": everyone(302)},  # valid key: on to set-password
    "account_reset_password_from_key_done": {"GET": everyone(200), "POST": everyone(405)},
    # two-factor (allauth's mfa): staff have an authenticator app, the others none. Changing it
    # asks for the password again first (a forced log-in is not a recent one): 302 to re-authenticate.
    "mfa_index": {"GET": logged_in(200), "POST": logged_in(405)},
    "mfa_authenticate": {"GET": everyone(302), "POST": everyone(302)},  # only during a log-in
    "mfa_reauthenticate": {"GET": two_factor(200, others=302), "POST": two_factor(200, others=302)},
    "mfa_activate_totp": {"GET": logged_in(302), "POST": logged_in(302)},
    "mfa_deactivate_totp": {"GET": two_factor(302), "POST": two_factor(302)},
    "mfa_view_recovery_codes": {"GET": two_factor(302), "POST": logged_in(405)},
    "mfa_download_recovery_codes": {"GET": two_factor(302), "POST": two_factor(302)},
    "mfa_generate_recovery_codes": {"GET": logged_in(302), "POST": logged_in(302)},
    # single sign-on: an organisation that is not configured is a 404; allauth's own pages
    "organisation_oidc_login": {"GET": everyone(404), "POST": everyone(404)},
    "organisation_oidc_callback": {"GET": everyone(404), "POST": everyone(404)},
    "socialaccount_connections": {"GET": logged_in(200), "POST": logged_in(200)},  # empty POST: nothing chosen
    "socialaccount_signup": {"GET": everyone(302), "POST": everyone(302)},  # no sign-in pending: to log in
    "socialaccount_login_cancelled": {"GET": everyone(200), "POST": everyone(405)},
    "socialaccount_login_error": {"GET": everyone(401), "POST": everyone(405)},
    "accounts:settings": {"GET": logged_in(200), "POST": logged_in(405)},
    "accounts:preferences": {"GET": logged_in(405), "POST": logged_in(302), "writes": {BOB, ALICE, STAFF}},
    "accounts:export": {"GET": logged_in(200), "POST": logged_in(405)},
    "accounts:delete": {"GET": logged_in(200), "POST": logged_in(200)},  # empty POST: "enter your password"
    # API tokens (api/): each person's own; the API's endpoints have their own matrix (api/tests)
    "api_tokens:list": {"GET": logged_in(200), "POST": logged_in(200)},  # empty POST: "name required"
    "api_tokens:revoke": {"GET": logged_in(405), "POST": alices(302), "writes": {ALICE}},
    # role guides (public)
    "roles:list": {"GET": everyone(200), "POST": everyone(405)},
    "roles:detail": {"GET": everyone(200), "POST": everyone(405)},
    "roles:skill": {"GET": everyone(200), "POST": everyone(405)},
    "roles:scale": {"GET": everyone(200), "POST": everyone(405)},
    "roles:changes": {"GET": everyone(200), "POST": everyone(405)},  # what changed since revision 1
    "roles:case": {"GET": everyone(200), "POST": everyone(405)},  # the published guide as a CASE package
    # assessments: anyone may start one (visitors keep theirs in the session)
    "assessments:start": {"GET": everyone(405), "POST": everyone(302), "writes": set(PRINCIPALS)},
    "assessments:dashboard": {"GET": logged_in(200), "POST": logged_in(405)},
    "assessments:fit": {"GET": logged_in(200), "POST": logged_in(405)},
    "assessments:fit_json": {"GET": logged_in(200), "POST": logged_in(405)},
    "assessments:scoring": {"GET": everyone(200), "POST": everyone(405)},
    # alice's draft: visitors may take assessments, so a visitor without her session gets a 404 too
    "assessments:take": {"GET": alices(302, visitor=404), "POST": everyone(405)},
    "assessments:step": {"GET": alices(200, visitor=404), "POST": alices(200, visitor=404)},  # empty: re-shown
    "assessments:rate": {"GET": everyone(405), "POST": alices(400, visitor=404)},  # empty autosave: 400
    "assessments:review": {"GET": alices(200, visitor=404), "POST": everyone(405)},
    "assessments:confirm": {"GET": everyone(405), "POST": alices(302, visitor=404), "writes": {ALICE}},
    "assessments:submit": {"GET": logged_in(405), "POST": alices(302)},  # incomplete: back to the step
    "assessments:delete": {"GET": alices(200), "POST": alices(302), "writes": {ALICE}},
    # alice's submitted assessment
    "assessments:retake": {"GET": logged_in(405), "POST": alices(302), "writes": {ALICE}},
    "assessments:report": {"GET": alices(200), "POST": logged_in(405)},
    "assessments:report_json": {"GET": alices(200), "POST": logged_in(405)},
    "assessments:report_csv": {"GET": alices(200), "POST": logged_in(405)},
    "assessments:shares": {"GET": alices(200), "POST": alices(200)},  # empty POST: "name required"
    "assessments:revoke_share": {"GET": logged_in(405), "POST": alices(302), "writes": {ALICE}},
    "assessments:plan": {"GET": alices(200), "POST": logged_in(405)},
    "assessments:plan_create": {"GET": logged_in(405), "POST": alices(302)},  # the plan exists already
    "assessments:plan_save": {"GET": logged_in(405), "POST": alices(302)},  # empty POST: nothing to save
    "assessments:plan_item": {"GET": logged_in(405), "POST": alices(200)},  # empty POST: form errors
    "assessments:plan_ics": {"GET": alices(200), "POST": logged_in(405)},
    # a share link: anyone holding it may read the report, nobody may write through it
    "assessments:shared": {"GET": everyone(200), "POST": everyone(405)},
    # reviews: alice asked carol for a second opinion (a submitted review, and a draft on a second link)
    "reviews:manage": {"GET": alices(200), "POST": alices(200)},  # empty POST: form errors
    "reviews:ask_teammate": {"GET": logged_in(405), "POST": alices(200)},  # empty POST: "choose a teammate"
    "reviews:revoke": {"GET": logged_in(405), "POST": alices(302), "writes": {ALICE}},
    "reviews:mine": {"GET": logged_in(200), "POST": logged_in(405)},
    "reviews:calibration": {"GET": logged_in(200), "POST": logged_in(405)},
    "reviews:review": {"GET": carols(200), "POST": carols(200)},  # the draft; empty POST: shown again
    "reviews:rate": {"GET": logged_in(405), "POST": carols(400)},  # empty autosave: 400
    "reviews:compare": {"GET": alices(200), "POST": alices(200)},  # the submitted review; empty POST: errors
    "reviews:delete": {"GET": logged_in(405), "POST": alices(302), "writes": {ALICE}},
    # alice's request to carol by name (no link): carol takes it; anyone else's is a 404
    "reviews:take_asked": {"GET": logged_in(405), "POST": carols(302), "writes": {REVIEWER}},
    # the draft's link: carol goes on to her review; alice may not review herself; spent for others
    # notices: alice has one notice and chose email for reviews; the unsubscribe link is hers, and
    # works for whoever holds it (RFC 8058: one click from the mail, no sign-in)
    "notices:list": {"GET": logged_in(200), "POST": logged_in(405)},
    "notices:read": {"GET": logged_in(405), "POST": alices(302), "writes": {ALICE}},
    "notices:read_all": {"GET": logged_in(405), "POST": logged_in(302), "writes": {ALICE}},
    "notices:preferences": {"GET": logged_in(200), "POST": logged_in(400)},  # empty POST: choose for each kind
    "notices:unsubscribe": {"GET": everyone(200), "POST": everyone(200), "writes": set(PRINCIPALS)},
    "reviews:open": {  # a visitor sees who asks and why (no rating), then logs in to take it
        "GET": {VISITOR: 200, BOB: 410, ALICE: 400, STAFF: 410, REVIEWER: 302},
        "POST": {VISITOR: LOGIN, BOB: 410, ALICE: 400, STAFF: 410, REVIEWER: 302},
    },
}


# Pages that only redirect: where they may send each person (checked after the status code).
REDIRECT_TARGETS = {
    ("account_login", BOB): "assessments:dashboard",
    ("account_signup", BOB): "assessments:dashboard",
}


# --- the world the URLs point at ----------------------------------------------------------


class World:
    """Alice's submitted assessment (with a share link and a plan) and a draft; bob's own report;
    carol's reviews of alice (a submitted one, a draft by link, and a request to her by name: she
    and alice share a team)."""

    def __init__(self, *, alice, bob, staff, carol):
        self.users = {ALICE: alice, BOB: bob, STAFF: staff, REVIEWER: carol}
        self.role = make_role(required=3, differentiating=1, courses=1, title="Data Wrangler")
        self.other_role = make_role(required=2, differentiating=1, title="Pipeline Plumber")
        role_services.publish(role=role_services.start_draft(role=self.role), by=staff)  # revisions 1 and 2
        first = self.role.role_skills.select_related("skill").order_by("order")[0].skill
        self.skill = first
        self.submitted = submitted_for(alice, self.role, levels={first.slug: 1}, current_role=self.other_role)
        self.draft = draft_for(alice, self.other_role)
        other_first = self.other_role.role_skills.select_related("skill").order_by("order")[0].skill
        services.save_rating(assessment=self.draft, skill=other_first, level=2, evidence="alice's own words")
        self.share, self.share_token = services.share_report(assessment=self.submitted, display_name="Alice A.")
        self.plan, _ = services.create_plan(assessment=self.submitted)
        self.plan_item = self.plan.items.order_by("order").first()
        assert self.plan_item is not None, "the world needs a plan item: alice's report must have a gap"
        self.bob_submitted = submitted_for(bob, self.role, level=4)
        self.bob_share, _token = services.share_report(assessment=self.bob_submitted, display_name="Bob B.")
        self.review = review_of(self.submitted, carol)  # submitted: alice compares it
        by_link, self.review_token = review_services.request_review(assessment=self.submitted, display_name="A.")
        self.review_draft = review_of(self.submitted, carol, submit=False, review_request=by_link)  # still rating
        join(team_of(alice), carol)
        self.asked, _no_link = review_services.request_review(
            assessment=self.submitted, display_name="A.", invitee=carol
        )
        self.api_token, _secret = api_services.create_token(user=alice, name="Sync", scopes=["read:roles"], days=7)
        self.notice = Notice.objects.create(
            user=alice,
            kind=Kind.REVIEW_ARRIVED,
            subject_key=f"review:{self.review.pk}",
            text="A review arrived.",
            url="/",
        )
        NoticePreference.objects.create(user=alice, kind=Kind.REVIEW_ARRIVED, delivery=Delivery.IMMEDIATE)
        self.unsubscribe_token = unsubscribe.make_token(alice.pk, Kind.REVIEW_ARRIVED)

    def kwargs_for(self, name, kwarg_names):
        if name.startswith("organisation_oidc_"):  # the organisation is in the include's pattern
            return {"provider_id": "no-such-organisation"}
        draft_urls = {"take", "step", "rate", "review", "confirm", "submit", "delete"}
        short = name.split(":")[-1]
        values = {
            "pk": self.draft.pk if short in draft_urls else self.submitted.pk,
            "number": 1,
            "slug": self.skill.slug if name == "roles:skill" else self.role.slug,
            "link_id": self.share.pk,
            "item_id": self.plan_item.pk,
            "token": self.review_token if name.startswith("reviews:") else self.share_token,
            "uidb64": urlsafe_base64_encode(force_bytes(self.users[ALICE].pk)),
            "token_id": self.api_token.pk,
        }
        if name.startswith("reviews:"):  # carol's draft for her pages, the submitted review for alice's
            values["pk"] = self.review_draft.pk if short in {"review", "rate"} else self.review.pk
            if short in {"manage", "ask_teammate", "revoke"}:
                values["pk"] = self.submitted.pk
            values["request_id"] = self.asked.pk if short == "take_asked" else self.review_draft.request.pk
        if name.startswith("notices:"):
            values["pk"] = self.notice.pk
            values["token"] = self.unsubscribe_token
        if name == "account_reset_password_from_key":
            values["uidb36"] = int_to_base36(self.users[ALICE].pk)
            values["key"] = allauth_token_generator.make_token(self.users[ALICE])
        if name == "account_confirm_email":
            address = EmailAddress.objects.get_primary(self.users[ALICE])
            values["key"] = EmailConfirmationHMAC(address).key
        missing = [k for k in kwarg_names if k not in values]
        assert not missing, f"{name}: teach World.kwargs_for a value for {missing}"
        return {k: values[k] for k in kwarg_names}


@pytest.fixture
def world(alice, bob, staff):
    return World(alice=alice, bob=bob, staff=staff, carol=UserFactory(username="carol"))


def clients_for(world):
    clients = {VISITOR: Client()}
    for principal, user in world.users.items():
        clients[principal] = Client()
        clients[principal].force_login(user)
    return clients


# --- what the resolver knows ---------------------------------------------------------------


def all_url_patterns(patterns=None, prefix="", namespace=None):
    """(name or None, route text, URLPattern) for every URL, nested includes and admin included."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from all_url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry


def site_urls():
    """The non-admin URL names, once each (the first pattern of a name is the one `reverse` uses)."""
    seen = {}
    for name, route, pattern in all_url_patterns():
        if route.startswith("admin/"):
            continue
        seen.setdefault(name, (route, pattern))
    return seen


def kwarg_names(pattern):
    return list(pattern.pattern.regex.groupindex)


# --- row fingerprint ----------------------------------------------------------------------


def fingerprint():
    """Row counts, and the values that matter, of everything a request could change."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Assessment,
                Rating,
                ShareLink,
                User,
                Plan,
                PlanItem,
                Role,
                Skill,
                RoleSkill,
                ReviewRequest,
                Review,
                ReviewRating,
                Calibration,
                Notice,
                NoticePreference,
            )
        },
        "notices": list(Notice.objects.order_by("pk").values_list("pk", "read_at", "delivery")),
        "notice_preferences": list(NoticePreference.objects.order_by("pk").values_list("pk", "kind", "delivery")),
        "review_requests": list(ReviewRequest.objects.order_by("pk").values_list("pk", "reviewer_id", "revoked_at")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "status", "overall_comment", "updated_at")),
        "review_ratings": list(ReviewRating.objects.order_by("pk").values_list("pk", "level", "comment")),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list("pk", "user_id", "status", "updated_at", "submitted_at")
        ),
        "ratings": list(Rating.objects.order_by("pk").values_list("pk", "assessment_id", "level", "evidence")),
        "shares": list(
            ShareLink.objects.order_by("pk").values_list("pk", "assessment_id", "token_digest", "revoked_at")
        ),
        "plan_items": list(PlanItem.objects.order_by("pk").values_list("pk", "status", "action", "notes")),
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_staff", "is_superuser")),
        "roles": list(Role.objects.order_by("pk").values_list("pk", "slug", "title", "is_published")),
        "api_tokens": list(PersonalAccessToken.objects.order_by("pk").values_list("pk", "user_id", "revoked_at")),
    }


# --- the tests -----------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    names = {n for n in site_urls() if not (n or "").startswith(("teams:", "api:"))}  # TEAM_MATRIX; api/tests
    assert None not in names, f"every non-admin URL needs a name: {site_urls()[None][0]}"
    missing = sorted(names - set(MATRIX))
    assert not missing, f"add these URLs to MATRIX in {__name__} (who may GET/POST them?): {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX names URLs that no longer exist: {stale}"


def test_the_matrix_never_expects_a_403():
    for name, entry in MATRIX.items():
        for method in ("GET", "POST"):
            assert set(entry[method]) == set(PRINCIPALS), f"{name} {method}: say what each person gets"
            assert 403 not in entry[method].values(), f"{name}: another person's object is a 404, not a 403"


def check(response, expected, *, name, method, principal):
    where = f"{method} {name} as {principal}"
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: expected a redirect to log in, got {response.status_code}"
        assert response["Location"].startswith(reverse("account_login") + "?next="), f"{where}: {response['Location']}"
        return
    assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"
    if (name, principal) in REDIRECT_TARGETS:
        assert response["Location"] == reverse(REDIRECT_TARGETS[name, principal])


@pytest.mark.parametrize("name", sorted(n for n in site_urls() if n in MATRIX))
def test_url_answers_each_person_as_the_matrix_says(world, name):
    route, pattern = site_urls()[name]
    clients = clients_for(world)  # first: logging in changes last_login, which a reset token depends on
    url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names(pattern)))
    entry = MATRIX[name]

    for principal in PRINCIPALS:
        before = fingerprint()
        response = clients[principal].get(url)
        check(response, entry["GET"][principal], name=name, method="GET", principal=principal)
        assert fingerprint() == before, f"GET {name} as {principal} changed the database"

    # POSTs last, alice's very last: her POST may do what it says (delete, retake, revoke...).
    for principal in (VISITOR, BOB, STAFF, REVIEWER, ALICE):
        before = fingerprint()
        response = clients[principal].post(url, {})
        check(response, entry["POST"][principal], name=name, method="POST", principal=principal)
        if principal not in entry.get("writes", set()):
            assert fingerprint() == before, f"POST {name} as {principal} changed the database"


def test_bob_cannot_reach_alices_objects_even_with_his_own_in_the_url(world):
    """Mixing ids: bob's assessment with alice's share link or plan item is still a 404."""
    clients = clients_for(world)
    before = fingerprint()
    bob_pk = world.bob_submitted.pk
    urls = [
        reverse("assessments:revoke_share", args=[bob_pk, world.share.pk]),
        reverse("assessments:plan_item", args=[bob_pk, world.plan_item.pk]),
        reverse("assessments:plan_save", args=[bob_pk]),
    ]
    for url in urls:
        assert clients[BOB].post(url, {f"item-{world.plan_item.pk}-status": "done"}).status_code == 404
    # alice's link id under alice's own other assessment (the draft) is no way in either
    assert (
        clients[ALICE].post(reverse("assessments:revoke_share", args=[world.draft.pk, world.bob_share.pk])).status_code
        == 404
    )
    assert fingerprint() == before


def test_a_revoked_share_link_is_a_404_for_everyone(world):
    world.share.revoked_at = world.submitted.submitted_at
    world.share.save(update_fields=["revoked_at"])
    clients = clients_for(world)
    url = reverse("assessments:shared", args=[world.share_token])
    for principal in PRINCIPALS:
        assert clients[principal].get(url).status_code == 404


def test_an_unknown_share_token_is_a_404(world):
    assert Client().get(reverse("assessments:shared", args=["x" * 43])).status_code == 404


def test_an_unpublished_role_is_visible_to_staff_only(world):
    hidden = make_role(title="Secret Role", is_published=False)
    clients = clients_for(world)
    url = reverse("roles:detail", args=[hidden.slug])
    codes = {p: clients[p].get(url).status_code for p in PRINCIPALS}
    assert codes == {VISITOR: 404, BOB: 404, ALICE: 404, STAFF: 200, REVIEWER: 404}
    start = reverse("assessments:start", args=[hidden.slug])
    assert clients[BOB].post(start).status_code == 404


def test_a_skill_only_unpublished_roles_use_is_visible_to_staff_only(world):
    hidden = make_role(title="Secret Role", required=1, differentiating=0, is_published=False)
    secret = hidden.role_skills.get().skill
    clients = clients_for(world)
    url = reverse("roles:skill", args=[secret.slug])
    codes = {p: clients[p].get(url).status_code for p in PRINCIPALS}
    assert codes == {VISITOR: 404, BOB: 404, ALICE: 404, STAFF: 200, REVIEWER: 404}


# Alice's draft once its role is unpublished: every URL that takes it forward, what alice gets, and
# what a visitor gets (a 404 without her session; a log-in redirect where the view needs an account).
WITHDRAWN = {
    "assessments:take": ("get", 410, 404),
    "assessments:step": ("get", 410, 404),
    "assessments:review": ("get", 410, 404),
    "assessments:rate": ("post", 410, 404),
    "assessments:confirm": ("post", 410, 404),
    "assessments:submit": ("post", 410, 302),
    "assessments:delete": ("get", 200, 302),  # she may still delete it
}


@pytest.mark.parametrize("name", sorted(WITHDRAWN))
def test_a_draft_of_an_unpublished_role_is_gone_for_its_owner_and_404_for_everyone_else(world, name):
    Role.objects.filter(pk=world.draft.role_id).update(is_published=False)
    clients = clients_for(world)
    method, alices_code, visitors_code = WITHDRAWN[name]
    expected = {VISITOR: visitors_code, BOB: 404, STAFF: 404, ALICE: alices_code, REVIEWER: 404}
    url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names(site_urls()[name][1])))
    for principal in PRINCIPALS:
        before = fingerprint()
        response = getattr(clients[principal], method)(url, {"skill": world.skill.slug, "level": "3"})
        assert response.status_code == expected[principal], f"{method} {name} as {principal}"
        assert fingerprint() == before, f"{method} {name} as {principal} changed the database"


def test_retaking_a_report_of_an_unpublished_role_is_a_404_for_its_owner(world):
    Role.objects.filter(pk=world.submitted.role_id).update(is_published=False)
    clients = clients_for(world)
    before = fingerprint()
    url = reverse("assessments:retake", args=[world.submitted.pk])
    codes = {p: clients[p].post(url).status_code for p in (BOB, STAFF, ALICE)}
    assert codes == {BOB: 404, STAFF: 404, ALICE: 404}
    assert fingerprint() == before


def test_a_visitor_reaches_only_the_draft_in_their_own_session(world):
    """Visitors' drafts are scoped by session: another visitor (or bob) gets a 404."""
    owner = Client()
    response = owner.post(reverse("assessments:start", args=[world.role.slug]))
    pk = int(re.search(r"/assessments/(\d+)/", response["Location"]).group(1))
    step = reverse("assessments:step", args=[pk, 1])
    assert owner.get(step).status_code == 200
    before = fingerprint()
    for stranger in (Client(), clients_for(world)[BOB]):
        assert stranger.get(step).status_code == 404
        assert (
            stranger.post(reverse("assessments:rate", args=[pk]), {"skill": world.skill.slug, "level": "3"}).status_code
            == 404
        )
    assert fingerprint() == before


# --- Django admin: one rule for every admin URL ----------------------------------------------


def admin_urls(world):
    """A concrete URL for every admin pattern, with real object ids where there are some."""
    role_ct = ContentType.objects.get_for_model(Role)
    urls = []
    for name, route, pattern in all_url_patterns():
        if not route.startswith("admin/"):
            continue
        if name is None:
            if "(?P<url>" in route:
                url = "/admin/no-such-page/"
            else:
                url = "/" + route.replace("<path:object_id>", str(world.role.pk))
        elif name == "admin:view_on_site":
            url = reverse(name, kwargs={"content_type_id": role_ct.pk, "object_id": world.role.pk})
        elif name == "admin:app_list":
            url = reverse(name, kwargs={"app_label": "roles"})
        else:
            kwargs = dict.fromkeys(kwarg_names(pattern), world.users[ALICE].pk)
            url = reverse(name, kwargs=kwargs)
        urls.append((name or route, url))
    return urls


def test_every_admin_url_is_for_staff_only(world):
    """visitor, bob, alice: a redirect to the admin login (GET and POST), which sends visitors on to the
    site's log-in; staff: 200, 302 or 404.

    Staff may also get a 403 where the admin itself forbids the action (adding an axes log row,
    autocomplete without its parameters), and a 405 for GET /admin/logout/ (logging out is a POST).
    """
    clients = clients_for(world)
    admin_login, admin_index = reverse("admin:login"), reverse("admin:index")
    urls = admin_urls(world)
    assert len(urls) > 20
    problems = []
    for name, url in urls:
        before = fingerprint()
        for principal in PRINCIPALS:
            response = clients[principal].get(url)
            code, location = response.status_code, response.get("Location", "")
            if principal == STAFF:
                allowed = {200, 302, 403, 404} | ({405} if name == "admin:logout" else set())
                if code not in allowed:
                    problems.append(f"GET {url} as staff: {code}")
            elif name == "admin:login" and principal == VISITOR:  # on to the site's log-in (and its 2FA step)
                if code != 302 or not location.startswith(reverse("account_login") + "?next="):
                    problems.append(f"GET {url} as {principal}: {code} {location}")
            elif name == "admin:login":
                if code != 200:  # the login page itself ("you are not authorised" for bob and alice)
                    problems.append(f"GET {url} as {principal}: {code}")
            elif code != 302 or not (location.startswith(admin_login) or location == admin_index):
                problems.append(f"GET {url} as {principal}: {code} {location}, not a redirect to the admin login")
            if principal != STAFF and name != "admin:login":
                response = clients[principal].post(url, {"post": "yes", "is_staff": "on", "username": "mallory"})
                if response.status_code != 302:
                    problems.append(f"POST {url} as {principal}: {response.status_code}")
        if fingerprint() != before:
            problems.append(f"a GET of {url}, or a non-staff POST to it, changed the database")
    assert not problems, "\n".join(problems)


# --- Django admin as view-only staff: reads everything, writes nothing -------------------------

VIEWER = "viewer"  # staff with every view_* permission and no add, change or delete


def view_only_staff():
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return viewer


def admin_actions():
    """(model admin, action name, action function) for every action of every registered model admin,
    the site-wide ones (delete_selected) included."""
    for model_admin in admin.site._registry.values():
        for func, name, _description in model_admin._get_base_actions():
            yield model_admin, name, func


def actions_offered(model_admin, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return set(model_admin.get_actions(request))


def test_every_admin_action_declares_the_permissions_it_needs():
    undeclared = [f"{ma}: {name}" for ma, name, func in admin_actions() if not getattr(func, "allowed_permissions", ())]
    assert not undeclared, "use @admin.action(permissions=[...]) on: " + ", ".join(undeclared)


@pytest.mark.parametrize(
    ("permission", "offered"),
    [("change_role", set()), ("publish_role", {"publish", "unpublish"}), ("add_role", {"duplicate"})],
)
def test_role_actions_need_publish_to_publish_and_add_to_duplicate(permission, offered):
    editor = view_only_staff()
    editor.user_permissions.add(Permission.objects.get(codename=permission))
    editor = User.objects.get(pk=editor.pk)  # a fresh object: permissions are cached per instance
    assert actions_offered(admin.site._registry[Role], editor) == offered


def test_view_only_staff_can_neither_see_nor_run_any_admin_action(world, staff):
    viewer = view_only_staff()
    client = Client()
    client.force_login(viewer)
    assert {"publish", "unpublish", "duplicate"} <= actions_offered(admin.site._registry[Role], staff)
    problems = []
    for model_admin, name, _func in admin_actions():
        opts = model_admin.model._meta
        if name in actions_offered(model_admin, viewer):
            problems.append(f"{opts.label}: {name} is offered")
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        page = client.get(url)
        if page.status_code == 200 and f'value="{name}"' in page.content.decode():
            problems.append(f"{opts.label}: {name} is in the changelist's action menu")
        pks = [str(pk) for pk in model_admin.model._default_manager.values_list("pk", flat=True)[:5]]
        before = fingerprint()
        client.post(url, {"action": name, ACTION_CHECKBOX_NAME: pks, "post": "yes"})
        if fingerprint() != before:
            problems.append(f"{opts.label}: POST action={name} changed the database")
    assert not problems, "\n".join(problems)
    assert Role.objects.filter(is_published=True).count() == 2
    assert not Role.objects.filter(slug__endswith="-copy").exists()


def test_every_admin_url_as_view_only_staff_reads_and_never_writes(world):
    """GET: 200, 302, 403 or 404 (405 for the logout page); a POST to any admin URL (an add, a
    change, a delete, a password) is refused and changes nothing."""
    client = Client()
    client.force_login(view_only_staff())
    problems = []
    for name, url in admin_urls(world):
        code = client.get(url).status_code
        if code not in {200, 302, 403, 404} | ({405} if name == "admin:logout" else set()):
            problems.append(f"GET {url} as {VIEWER}: {code}")
        if name == "admin:logout":
            continue  # a POST there only logs the viewer out
        before = fingerprint()
        data = {"post": "yes", "is_staff": "on", "is_superuser": "on", "username": "mallory", "title": "Mallory's"}
        client.post(url, {**data, "is_published": "", "slug": "mallory", "new_password1": "x", "new_password2": "x"})
        if fingerprint() != before:
            problems.append(f"POST {url} as {VIEWER} changed the database")
    assert not problems, "\n".join(problems)


# --- Django admin: the editorial pages, "change" against "publish" ---------------------------------
# A published guide with revisions 1 and 2 and a draft. viewer: view-only staff; changer: staff who
# may view and change roles; publisher: changer with the publish permission. Non-staff are sent to
# the admin login (test_every_admin_url_is_for_staff_only). A 403 is the admin's own refusal.

CHANGER, PUBLISHER = "changer", "publisher"
EDITORS = (VIEWER, CHANGER, PUBLISHER)  # each one's requests in this order


def editors_get(viewer, changer, publisher):
    return {VIEWER: viewer, CHANGER: changer, PUBLISHER: publisher}


# url name -> (which role: "guide" or "draft", GET codes, POST codes, who may write by POST)
EDITORIAL_MATRIX = {
    "admin:roles_role_draft": ("guide", editors_get(403, 302, 302), editors_get(403, 302, 302), set()),
    "admin:roles_role_preview": ("draft", editors_get(200, 200, 200), editors_get(405, 405, 405), set()),
    "admin:roles_role_compare": ("draft", editors_get(200, 200, 200), editors_get(405, 405, 405), set()),
    "admin:roles_role_publish": ("draft", editors_get(403, 403, 200), editors_get(403, 403, 302), {PUBLISHER}),
    "admin:roles_role_revisions": ("guide", editors_get(200, 200, 200), editors_get(405, 405, 405), set()),
    "admin:roles_role_revision": ("guide", editors_get(200, 200, 200), editors_get(405, 405, 405), set()),
    "admin:roles_role_rollback": ("guide", editors_get(403, 403, 200), editors_get(403, 403, 302), {PUBLISHER}),
}


def editorial_people():
    roles_perms = Permission.objects.filter(content_type__app_label="roles")
    viewer = view_only_staff()
    changer = UserFactory(username="changer", is_staff=True)
    changer.user_permissions.set(roles_perms.filter(codename__regex=r"^(view|change)_"))
    publisher = UserFactory(username="publisher", is_staff=True)
    publisher.user_permissions.set(roles_perms.filter(codename__regex=r"^(view|change)_|^publish_role$"))
    return {VIEWER: viewer, CHANGER: changer, PUBLISHER: publisher}


def test_every_editorial_admin_url_is_in_the_editorial_matrix():
    names = {n for n, route, _p in all_url_patterns() if route.startswith("admin/") and n and "roles_role_" in n}
    names -= {f"admin:roles_role_{view}" for view in ("changelist", "add", "history", "delete", "change", "sections")}
    names -= set(SHEET_URLS)
    assert names == set(EDITORIAL_MATRIX)


def editorial_fingerprint():
    return {
        **fingerprint(),
        "revisions": list(RoleRevision.objects.order_by("pk").values_list("pk", "guide_id", "number")),
        "role_texts": list(Role.objects.order_by("pk").values_list("pk", "summary", "draft_of")),
    }


@pytest.mark.parametrize("name", sorted(EDITORIAL_MATRIX))
def test_editorial_url_answers_each_editor_as_the_matrix_says(db, name):
    guide = make_role(required=2, differentiating=1, title="Data Wrangler")
    role_services.publish(role=role_services.start_draft(role=guide), by=None)  # revisions 1 and 2
    draft = role_services.start_draft(role=guide)
    Role.objects.filter(pk=draft.pk).update(summary="The draft's summary")
    which, gets, posts, writers = EDITORIAL_MATRIX[name]
    kwargs = {"object_id": (guide if which == "guide" else draft).pk}
    if name in ("admin:roles_role_revision", "admin:roles_role_rollback"):
        kwargs["number"] = 1
    url = reverse(name, kwargs=kwargs)
    clients = {}
    for principal, user in editorial_people().items():
        clients[principal] = Client()
        clients[principal].force_login(user)
    for principal in EDITORS:
        before = editorial_fingerprint()
        response = clients[principal].get(url)
        assert response.status_code == gets[principal], f"GET {name} as {principal}: {response.status_code}"
        assert editorial_fingerprint() == before, f"GET {name} as {principal} changed the database"
    for principal in EDITORS:
        before = editorial_fingerprint()
        response = clients[principal].post(url, {})
        assert response.status_code == posts[principal], f"POST {name} as {principal}: {response.status_code}"
        changed = editorial_fingerprint() != before
        assert changed is (principal in writers), f"POST {name} as {principal}: changed the database: {changed}"


# --- Django admin: spreadsheet import and export (roles/spreadsheets.py) ---------------------------------
# Importing needs the sheet's model's add and change permissions; exporting, its view permission. viewer:
# view-only staff; changer: view and change (no add); importer: view, add and change of the model.

IMPORTER = "importer"
SHEET_MODELS = ("role", "skill", "roleskill", "course", "certification", "source")
SHEET_PEOPLE = (VIEWER, CHANGER, IMPORTER)
# view -> (GET codes, POST codes (an empty POST), who may write by POST): the same for every sheet
SHEET_MATRIX = {
    "import": ({VIEWER: 403, CHANGER: 403, IMPORTER: 200}, {VIEWER: 403, CHANGER: 403, IMPORTER: 200}),
    "process_import": ({VIEWER: 302, CHANGER: 302, IMPORTER: 302}, {VIEWER: 403, CHANGER: 403, IMPORTER: 200}),
    "export": ({VIEWER: 200, CHANGER: 200, IMPORTER: 200}, {VIEWER: 200, CHANGER: 200, IMPORTER: 200}),
}
SHEET_URLS = {f"admin:roles_{model}_{view}": (model, view) for model in SHEET_MODELS for view in SHEET_MATRIX}


def test_every_import_and_export_admin_url_is_in_the_sheet_matrix():
    names = {n for n, route, _p in all_url_patterns() if n and n.endswith(("_import", "_export"))}
    assert names == set(SHEET_URLS)


@pytest.mark.parametrize("name", sorted(SHEET_URLS))
def test_sheet_url_answers_each_editor_as_the_sheet_matrix_says(db, name):
    model, view = SHEET_URLS[name]
    make_role(required=2, differentiating=1, title="Data Wrangler")
    perms = Permission.objects.filter(content_type__app_label="roles")
    changer = UserFactory(username="changer", is_staff=True)
    changer.user_permissions.set(perms.filter(codename__regex=r"^(view|change)_"))
    importer = UserFactory(username="importer", is_staff=True)
    importer.user_permissions.set(perms.filter(codename__in=[f"{a}_{model}" for a in ("view", "add", "change")]))
    users = {VIEWER: view_only_staff(), CHANGER: changer, IMPORTER: importer}
    gets, posts = SHEET_MATRIX[view]
    url = reverse(name)
    for principal in SHEET_PEOPLE:
        client = Client()
        client.force_login(users[principal])
        before = editorial_fingerprint()
        assert client.get(url).status_code == gets[principal], f"GET {name} as {principal}"
        assert client.post(url, {}).status_code == posts[principal], f"POST {name} as {principal}"
        assert editorial_fingerprint() == before, f"{name} as {principal} changed the database"


# --- teams: six people ------------------------------------------------------------------------
# owner, manager and member of one team; an outsider (logged in, in no team of theirs); a visitor;
# staff (an editor who is in no team: the admin shows teams read-only, the team pages do not).

OWNER, MANAGER, MEMBER, OUTSIDER = "owner", "manager", "member", "outsider"
TEAM_PRINCIPALS = (VISITOR, OUTSIDER, STAFF, MEMBER, MANAGER, OWNER)  # POSTs run in this order


def team_people(*, owner=None, manager=None, member=None, others=404, visitor=LOGIN):
    """What each of the six gets: the team's people as given; the outsider and staff `others`."""
    return {VISITOR: visitor, OUTSIDER: others, STAFF: others, MEMBER: member, MANAGER: manager, OWNER: owner}


def members_all(code, **kw):
    return team_people(owner=code, manager=code, member=code, **kw)


def managers(code, **kw):
    return team_people(owner=code, manager=code, member=404, **kw)


def owner_only(code, **kw):
    return team_people(owner=code, manager=404, member=404, **kw)


TEAM_MATRIX = {
    "teams:list": {"GET": members_all(200, others=200), "POST": members_all(405, others=405)},
    "teams:create": {"GET": members_all(200, others=200), "POST": members_all(200, others=200)},  # empty: errors
    "teams:detail": {"GET": members_all(200), "POST": members_all(405, others=405)},
    "teams:consent": {"GET": members_all(200), "POST": members_all(200)},  # empty POST: "choose"
    "teams:leave": {"GET": members_all(405, others=405), "POST": members_all(302), "writes": {MEMBER, MANAGER}},
    "teams:invitations": {"GET": owner_only(200), "POST": owner_only(200)},  # empty POST: "role required"
    "teams:revoke": {"GET": members_all(405, others=405), "POST": owner_only(302), "writes": {OWNER}},
    # a manager's link that someone opened: only the owner confirms them (once; then it is used)
    "teams:confirm": {"GET": members_all(405, others=405), "POST": owner_only(302), "writes": {OWNER}},
    "teams:remove": {"GET": members_all(405, others=405), "POST": owner_only(302), "writes": {OWNER}},
    "teams:member_role": {"GET": members_all(405, others=405), "POST": owner_only(302)},  # empty: an error
    "teams:transfer": {"GET": members_all(405, others=405), "POST": owner_only(302), "writes": {OWNER}},
    "teams:assign": {"GET": managers(200), "POST": managers(200)},  # empty POST: form errors
    "teams:role": {"GET": managers(200), "POST": members_all(405, others=405)},
    "teams:matrix_json": {"GET": managers(200), "POST": members_all(405, others=405)},
    "teams:matrix_csv": {"GET": managers(200), "POST": members_all(405, others=405)},
    # review cycles: managers open one (an empty POST: "choose the last day") and close the open one
    # (the manager closes it; the owner's POST after that is "already closed", which changes nothing)
    "teams:open_cycle": {"GET": members_all(405, others=405), "POST": managers(200)},
    "teams:close_cycle": {"GET": members_all(405, others=405), "POST": managers(302), "writes": {MANAGER}},
    # An invitation link: anyone may open it; the first signed-in POST joins (the outsider), and
    # the used link is then refused to everyone (410), members included.
    "teams:join": {
        "GET": {VISITOR: 200, OUTSIDER: 200, STAFF: 200, MEMBER: 200, MANAGER: 200, OWNER: 200},
        "POST": {VISITOR: 200, OUTSIDER: 302, STAFF: 410, MEMBER: 410, MANAGER: 410, OWNER: 410},
        "writes": {OUTSIDER},
    },
}


class TeamWorld:
    """A team with an owner (alice), a manager and a member who consented individually and
    submitted the assigned role, an open review cycle of that role, an open invitation and its
    token, and a manager's invitation someone opened that waits for the owner; bob is the outsider."""

    def __init__(self, *, alice, bob, staff):
        from accounts.tests.factories import UserFactory
        from teams import services as team_services
        from teams.models import Membership as M

        self.users = {OWNER: alice, OUTSIDER: bob, STAFF: staff}
        self.role = make_role(required=3, differentiating=1, title="Data Wrangler")
        self.team = team_services.create_team(user=alice, name="Data Team", slug="data-team")
        self.users[MANAGER] = UserFactory(username="mona")
        self.users[MEMBER] = UserFactory(username="mick")
        self.memberships = {}
        for principal, role in ((MANAGER, M.Role.MANAGER), (MEMBER, M.Role.MEMBER)):
            invitation, _ = team_services.create_invitation(team=self.team, by=alice, role=role)
            self.memberships[principal] = team_services.accept_invitation(
                invitation=invitation, user=self.users[principal]
            ) or team_services.confirm_invitation(team=self.team, invitation=invitation)
        team_services.set_consent(membership=self.memberships[MEMBER], consent=M.Consent.INDIVIDUAL)
        team_services.assign_role(team=self.team, by=alice, role=self.role)
        self.cycle = team_services.open_cycle(
            team=self.team, role=self.role, by=alice, closes_on=timezone.localdate() + timedelta(days=7)
        )
        submitted_for(self.users[MEMBER], self.role, level=2)
        self.invitation, self.token = team_services.create_invitation(team=self.team, by=alice)
        self.pending, _ = team_services.create_invitation(team=self.team, by=alice, role=M.Role.MANAGER)
        team_services.accept_invitation(invitation=self.pending, user=UserFactory(username="petra"))

    def kwargs_for(self, name, kwarg_names):
        if name.startswith("organisation_oidc_"):  # the organisation is in the include's pattern
            return {"provider_id": "no-such-organisation"}
        values = {
            "slug": self.team.slug,
            "role_slug": self.role.slug,
            "token": self.token,
            "pk": {
                "teams:revoke": self.invitation.pk,
                "teams:confirm": self.pending.pk,
                "teams:close_cycle": self.cycle.pk,
            }.get(name, self.memberships[MEMBER].pk),
        }
        missing = [k for k in kwarg_names if k not in values]
        assert not missing, f"{name}: teach TeamWorld.kwargs_for a value for {missing}"
        return {k: values[k] for k in kwarg_names}


def team_fingerprint():
    from teams.models import Assignment, CycleParticipant, Invitation, Membership, ReviewCycle, Team

    return {
        **fingerprint(),
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name", "slug")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "team_id", "user_id", "role", "consent", "share_evidence", "share_plan"
            )
        ),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list("pk", "used_at", "used_by", "pending_by", "revoked_at")
        ),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "team_id", "role_id", "due_date")),
        "cycles": list(ReviewCycle.objects.order_by("pk").values_list("pk", "closed_at", "released_at", "result")),
        "participants": list(
            CycleParticipant.objects.order_by("pk").values_list("pk", "user_id", "submitted", "contributed")
        ),
    }


def test_every_team_url_is_in_the_team_matrix():
    names = {n for n in site_urls() if (n or "").startswith("teams:")}
    missing = sorted(names - set(TEAM_MATRIX))
    assert not missing, f"add these URLs to TEAM_MATRIX in {__name__} (who may GET/POST them?): {missing}"
    stale = sorted(set(TEAM_MATRIX) - names)
    assert not stale, f"TEAM_MATRIX names URLs that no longer exist: {stale}"
    for name, entry in TEAM_MATRIX.items():
        for method in ("GET", "POST"):
            assert set(entry[method]) == set(TEAM_PRINCIPALS), f"{name} {method}: say what each person gets"
            assert 403 not in entry[method].values(), f"{name}: a team you are not in is a 404, not a 403"


@pytest.mark.parametrize("name", sorted(TEAM_MATRIX))
def test_team_url_answers_each_person_as_the_team_matrix_says(alice, bob, staff, name):
    world = TeamWorld(alice=alice, bob=bob, staff=staff)
    route, pattern = site_urls()[name]
    clients = {VISITOR: Client()}
    for principal, user in world.users.items():
        clients[principal] = Client()
        clients[principal].force_login(user)
    url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names(pattern)))
    entry = TEAM_MATRIX[name]
    for principal in TEAM_PRINCIPALS:
        before = team_fingerprint()
        response = clients[principal].get(url)
        check(response, entry["GET"][principal], name=name, method="GET", principal=principal)
        assert team_fingerprint() == before, f"GET {name} as {principal} changed the database"
    for principal in TEAM_PRINCIPALS:
        before = team_fingerprint()
        response = clients[principal].post(url, {})
        check(response, entry["POST"][principal], name=name, method="POST", principal=principal)
        if principal not in entry.get("writes", set()):
            assert team_fingerprint() == before, f"POST {name} as {principal} changed the database"
