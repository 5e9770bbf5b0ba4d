"""The second-opinion pages: the owner, the reviewer, another member and a visitor on each."""

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from reviews import services
from reviews.models import Calibration, Review, ReviewRating, ReviewRequest
from reviews.services import CalibrationInput

from .factories import link_for, request_for, review_of

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def rows():
    return (
        list(ReviewRequest.objects.order_by("pk").values_list("pk", "reviewer_id", "revoked_at", "skills")),
        list(Review.objects.order_by("pk").values_list("pk", "status", "overall_comment")),
        list(ReviewRating.objects.order_by("pk").values_list("pk", "skill_slug", "level", "comment")),
        list(Calibration.objects.order_by("pk").values_list("pk", "skill_slug", "level", "note")),
    )


# --- asking ---------------------------------------------------------------------------------


def test_the_report_offers_a_second_opinion(alice_client, submitted):
    response = alice_client.get(reverse("assessments:report", args=[submitted.pk]))
    assert b"Ask for a second opinion" in response.content
    assert reverse("reviews:manage", args=[submitted.pk]).encode() in response.content


def test_the_owner_makes_a_link_for_chosen_skills_and_sees_it_once(alice_client, carol, submitted, slugs):
    url = reverse("reviews:manage", args=[submitted.pk])
    page = alice_client.get(url)
    assert page.status_code == 200
    assert page.content.count(b'name="skills"') == 4 and page.content.count(b"checked") >= 4  # all ticked
    response = alice_client.post(url, {"display_name": "Alice", "skills": [slugs[0], slugs[2]], "show_evidence": "on"})
    assert response.status_code == 200
    assert "Copy it now: for safety it is shown only once" in response.content.decode()
    path = urlsplit(response.context["new_link"]).path
    review_request = ReviewRequest.objects.get()
    assert review_request.skills == [slugs[0], slugs[2]] and review_request.show_evidence
    later = alice_client.get(url).content.decode()
    assert path not in later, "only the token's digest is kept: the link is not shown again"
    assert "The link was shown once, when you made it" in later and 'href="#link-form"' in later
    assert client_for(carol).post(path).status_code == 302  # the link opens the request
    assert Review.objects.get().reviewer == carol


def test_a_request_without_skills_shows_the_error_and_saves_nothing(alice_client, submitted):
    response = alice_client.post(reverse("reviews:manage", args=[submitted.pk]), {"display_name": "Alice"})
    assert response.status_code == 200
    assert b"Choose at least one skill." in response.content
    assert ReviewRequest.objects.count() == 0


def test_a_request_for_a_skill_not_in_the_assessment_is_refused(alice_client, submitted):
    response = alice_client.post(
        reverse("reviews:manage", args=[submitted.pk]), {"display_name": "A", "skills": ["made-up"]}
    )
    assert b"Choose skills from the list." in response.content
    assert ReviewRequest.objects.count() == 0


# --- asking a teammate --------------------------------------------------------------------------


def ask_teammate(owner_client, assessment, invitee_pk, **extra):
    data = {"teammate-invitee": invitee_pk, "teammate-display_name": "Alice A.", **extra}
    data.setdefault("teammate-skills", [s["slug"] for s in assessment.snapshot["skills"]])
    return owner_client.post(reverse("reviews:ask_teammate", args=[assessment.pk]), data)


def test_the_owner_can_ask_any_teammate_but_not_herself_or_a_stranger(alice_client, alice, bob, carol, submitted, team):
    from teams.tests.factories import join, team_of

    dave = UserFactory(username="dave")
    join(team_of(dave, name="Platform", slug="platform"), alice)  # alice is a member of dave's team too
    body = alice_client.get(reverse("reviews:manage", args=[submitted.pk])).content.decode()
    select = body[
        body.index('name="teammate-invitee"') : body.index("</select>", body.index('name="teammate-invitee"'))
    ]
    assert f'value="{carol.pk}"' in select and f'value="{dave.pk}"' in select
    assert f'value="{alice.pk}"' not in select and f'value="{bob.pk}"' not in select
    assert 'data-testid="teammate-needs-team"' not in body


def test_without_a_team_the_teammate_option_explains_that_it_needs_one(alice_client, submitted):
    body = alice_client.get(reverse("reviews:manage", args=[submitted.pk])).content.decode()
    assert 'name="teammate-invitee"' not in body
    assert 'data-testid="teammate-needs-team"' in body and "needs a team" in body
    assert f'href="{reverse("teams:list")}"' in body


def test_a_team_of_one_explains_that_nobody_else_is_in_it_yet(alice_client, alice, submitted):
    from teams.tests.factories import team_of

    team_of(alice)
    body = alice_client.get(reverse("reviews:manage", args=[submitted.pk])).content.decode()
    assert 'name="teammate-invitee"' not in body and "Nobody else is in your teams yet" in body


def test_the_teammate_sees_the_request_on_her_dashboard_and_reviews_and_starts_it_without_the_link(
    alice_client, carol, submitted, slugs, team
):
    carols = client_for(carol)
    assert b"Reviews you've been asked for" not in carols.get(reverse("assessments:dashboard")).content  # cached now

    response = ask_teammate(alice_client, submitted, carol.pk, **{"teammate-skills": slugs[:2]})

    assert response.status_code == 302
    review_request = ReviewRequest.objects.get()
    assert review_request.invitee == carol and review_request.skills == slugs[:2]
    owners_page = alice_client.get(reverse("reviews:manage", args=[submitted.pk])).content.decode()
    assert 'data-testid="request-invitee">carol<' in owners_page
    assert review_request.token_digest is None and "/review/" not in owners_page  # no link to pass on
    start = reverse("reviews:take_asked", args=[review_request.pk])
    for page in ("assessments:dashboard", "reviews:mine"):
        body = carols.get(reverse(page)).content.decode()
        assert "Reviews you've been asked for" in body, page
        assert f'action="{start}"' in body, page

    started = carols.post(start)

    review = Review.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("reviews:review", args=[review.pk])
    assert review.reviewer == carol
    assert b"Reviews you've been asked for" not in carols.get(reverse("assessments:dashboard")).content


def test_a_teammate_without_a_verified_address_is_asked_to_verify_first_and_nothing_starts(
    alice_client, carol, submitted, team
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=carol).update(verified=False)
    ask_teammate(alice_client, submitted, carol.pk)
    review_request = ReviewRequest.objects.get()
    carols = client_for(carol)
    before = rows()

    response = carols.post(reverse("reviews:take_asked", args=[review_request.pk]))

    body = response.content.decode()
    assert response.status_code == 200 and "Verify your email first" in body
    assert f'action="{reverse("account_email")}"' in body and 'name="action_send"' in body
    assert rows() == before and not Review.objects.exists()

    EmailAddress.objects.filter(user=carol).update(verified=True)
    started = carols.post(reverse("reviews:take_asked", args=[review_request.pk]))
    assert started.status_code == 302 and Review.objects.get().reviewer == carol


def test_someone_else_neither_sees_nor_can_take_a_teammate_request(
    alice_client, bob, bob_client, carol, submitted, team
):
    ask_teammate(alice_client, submitted, carol.pk)
    review_request = ReviewRequest.objects.get()
    for page in ("assessments:dashboard", "reviews:mine"):
        assert b"Reviews you've been asked for" not in bob_client.get(reverse(page)).content
    before = rows()

    response = bob_client.post(reverse("reviews:take_asked", args=[review_request.pk]))

    assert response.status_code == 404  # not his to see
    assert rows() == before and not Review.objects.exists()


def test_revoking_a_teammate_request_takes_it_off_their_dashboard(alice_client, carol, submitted, team):
    carols = client_for(carol)
    ask_teammate(alice_client, submitted, carol.pk)
    assert b"Reviews you've been asked for" in carols.get(reverse("assessments:dashboard")).content
    alice_client.post(reverse("reviews:revoke", args=[submitted.pk, ReviewRequest.objects.get().pk]))
    assert b"Reviews you've been asked for" not in carols.get(reverse("assessments:dashboard")).content


def test_the_day_a_request_expires_it_leaves_the_cached_dashboard_and_report(
    alice_client, alice, carol, submitted, team, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    report = reverse("assessments:report", args=[submitted.pk])
    ask_teammate(alice_client, submitted, carol.pk)
    expires_at = ReviewRequest.objects.get().expires_at
    monkeypatch.setattr(timezone, "now", lambda: expires_at - timedelta(hours=1))  # its last hour
    carols = client_for(carol)  # signed in then: two weeks on, the first sessions have expired
    alice_client.force_login(alice)
    assert b"Reviews you've been asked for" in carols.get(reverse("assessments:dashboard")).content  # stored
    assert "1 request waiting for a reviewer" in alice_client.get(report).content.decode()  # stored

    monkeypatch.setattr(timezone, "now", lambda: expires_at + timedelta(seconds=1))

    assert b"Reviews you've been asked for" not in carols.get(reverse("assessments:dashboard")).content
    assert "request waiting" not in alice_client.get(report).content.decode()


def test_when_the_owners_account_goes_her_request_leaves_the_teammates_dashboard(
    alice_client, alice, carol, submitted, team
):
    from accounts.services import delete_user_account

    carols = client_for(carol)
    ask_teammate(alice_client, submitted, carol.pk)
    assert b"Reviews you've been asked for" in carols.get(reverse("assessments:dashboard")).content
    delete_user_account(user=alice)
    assert b"Reviews you've been asked for" not in carols.get(reverse("assessments:dashboard")).content


@pytest.mark.parametrize(
    ("who", "extra", "error"),
    [
        ("bob", {}, "that person is not in a team with you"),
        ("alice", {}, "You cannot review your own assessment"),
        ("nobody", {}, "that person is not in a team with you"),
        ("not-a-number", {}, "Choose a teammate from the list."),
        ("", {}, "Choose a teammate to ask."),
        ("carol", {"teammate-skills": []}, "Choose at least one skill."),
        ("carol", {"teammate-skills": ["made-up"]}, "Choose skills from the list."),
        ("carol", {"teammate-display_name": ""}, "This field is required."),
    ],
)
def test_a_bad_teammate_request_shows_a_form_error_and_saves_nothing(
    alice_client, alice, bob, carol, submitted, team, who, extra, error
):
    invitee = {"alice": alice.pk, "bob": bob.pk, "carol": carol.pk, "nobody": 987654}.get(who, who)
    before = rows()

    response = ask_teammate(alice_client, submitted, invitee, **extra)

    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert error in body and "Not asked: check the teammate form below." in body
    assert rows() == before


def test_asking_a_teammate_is_post_only_and_scoped_to_the_owner(
    client, bob_client, alice_client, carol, submitted, team
):
    url = reverse("reviews:ask_teammate", args=[submitted.pk])
    assert alice_client.get(url).status_code == 405
    assert bob_client.post(url, {"teammate-invitee": carol.pk}).status_code == 404
    assert client.post(url).status_code == 302
    assert not ReviewRequest.objects.exists()


def test_bob_gets_404_for_alices_review_pages(bob_client, submitted, carol):
    review = review_of(submitted, carol)
    before = rows()
    for url in (
        reverse("reviews:manage", args=[submitted.pk]),
        reverse("reviews:compare", args=[review.pk]),
        reverse("reviews:review", args=[review.pk]),
    ):
        assert bob_client.get(url).status_code == 404
    assert bob_client.post(reverse("reviews:delete", args=[review.pk])).status_code == 404
    assert bob_client.post(reverse("reviews:revoke", args=[submitted.pk, review.request.pk])).status_code == 404
    assert rows() == before


def test_a_visitor_sees_who_asks_and_why_then_logs_in_or_signs_up_and_comes_back(client, submitted, slugs):
    submitted.snapshot["ratings"][slugs[0]]["evidence"] = "Shipped the feature store"
    submitted.save(update_fields=["snapshot"])
    review_request, path = link_for(submitted, show_evidence=True, display_name="Alice from Platform")
    before = rows()
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alice from Platform asks for your review" in body
    assert submitted.snapshot["role"]["title"] in body and "What a second opinion is" in body
    minutes = max(1, round(len(review_request.skills) * 30 / 60))
    assert f"about {minutes} minute" in body and f"{len(review_request.skills)} skills in short steps" in body
    assert f'href="{reverse("account_login")}?next={path}"' in body
    assert f'href="{reverse("account_signup")}?next={path}"' in body
    login_page = client.get(f"{reverse('account_login')}?next={path}")
    assert f"{reverse('account_signup')}?next={path}".encode() in login_page.content
    assert client.post(path)["Location"] == f"{reverse('account_login')}?next={path}"  # taking it needs an account
    assert rows() == before


def test_the_signed_out_page_reveals_no_rating_evidence_or_account_of_the_owner(client, alice, submitted, slugs):
    submitted.snapshot["ratings"][slugs[0]]["evidence"] = "Shipped the feature store"
    submitted.save(update_fields=["snapshot"])
    _, path = link_for(submitted, show_evidence=True)
    body = client.get(path).content.decode()
    assert "Shipped the feature store" not in body and 'type="radio"' not in body
    assert alice.username not in body and alice.email not in body
    assert not any(slug in body for slug in slugs)


def test_a_visitor_with_a_withdrawn_link_is_told_so_and_sees_nothing_of_the_request(alice_client, client, submitted):
    review_request, path = link_for(submitted, display_name="Alice from Platform")
    alice_client.post(reverse("reviews:revoke", args=[submitted.pk, review_request.pk]))
    response = client.get(path)
    assert response.status_code == 410 and b"withdrawn" in response.content
    assert b"Alice from Platform" not in response.content


def test_a_stranger_without_a_link_sees_nothing(client, submitted, carol):
    review = review_of(submitted, carol)
    assert client.get(reverse("reviews:open", args=["x" * 43])).status_code == 404
    for url in (reverse("reviews:review", args=[review.pk]), reverse("reviews:compare", args=[review.pk])):
        assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_wrong_methods_get_405(alice_client, submitted):
    assert alice_client.get(reverse("reviews:revoke", args=[submitted.pk, 1])).status_code == 405
    assert alice_client.get(reverse("reviews:delete", args=[1])).status_code == 405
    assert alice_client.get(reverse("reviews:rate", args=[1])).status_code == 405
    assert alice_client.post(reverse("reviews:calibration")).status_code == 405
    assert alice_client.post(reverse("reviews:mine")).status_code == 405


# --- the link ---------------------------------------------------------------------------------


def test_the_owner_opening_their_own_link_gets_a_clear_error(alice_client, submitted):
    review_request, path = link_for(submitted)
    before = rows()
    for response in (
        alice_client.get(path),
        alice_client.post(path),
    ):
        assert response.status_code == 400
        assert b"your own assessment" in response.content
    assert rows() == before


def test_a_second_reviewer_on_the_same_link_gets_a_clear_error(submitted, bob, carol):
    review_request, path = link_for(submitted)
    assert client_for(carol).post(path).status_code == 302
    before = rows()
    response = client_for(bob).post(path)
    assert response.status_code == 410
    assert b"already been used by another reviewer" in response.content
    assert rows() == before


def test_a_revoked_link_gets_a_clear_error(alice_client, submitted, carol):
    review_request, path = link_for(submitted)
    alice_client.post(reverse("reviews:revoke", args=[submitted.pk, review_request.pk]))
    before = rows()
    response = client_for(carol).post(path)
    assert response.status_code == 410 and b"withdrawn" in response.content
    assert rows() == before


def test_an_unknown_token_is_a_404(bob_client):
    assert bob_client.get(reverse("reviews:open", args=["x" * 43])).status_code == 404


# --- rating blind -----------------------------------------------------------------------------


@pytest.fixture
def carols_draft(submitted, carol, slugs):
    review, _ = services.take_request(review_request=request_for(submitted, skills=slugs[:2]), user=carol)
    return review


def test_the_reviewer_rates_blind(submitted, carol, carols_draft, slugs):
    response = client_for(carol).get(reverse("reviews:review", args=[carols_draft.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('type="radio"') == 2 * 7  # two requested skills, levels 0-5 and "I haven't seen this"
    assert slugs[2] not in body  # a skill not shared is not shown
    assert "Their own rating" not in body and 'data-testid="shared-evidence"' not in body
    assert 'data-autosave-url="' + reverse("reviews:rate", args=[carols_draft.pk]) in body


def test_autosave_saves_one_rating_and_refuses_bad_ones(carol, carols_draft, slugs):
    client = client_for(carol)
    url = reverse("reviews:rate", args=[carols_draft.pk])
    response = client.post(url, {"skill": slugs[0], "level": "4", "evidence": "Runs the deploys"})
    assert response.status_code == 200 and response.json()["saved"] and response.json()["rated"] == 1
    before = rows()
    for bad in ({"skill": slugs[0], "level": "6"}, {"skill": slugs[3], "level": "2"}, {"skill": slugs[0]}):
        response = client.post(url, bad)
        assert response.status_code == 400 and response.json()["saved"] is False and response.json()["error"]
    assert rows() == before


def test_submitting_shows_the_owners_ratings_and_makes_it_read_only(submitted, carol, carols_draft, slugs):
    client = client_for(carol)
    url = reverse("reviews:review", args=[carols_draft.pk])
    post = {f"level-{slugs[0]}": "1", f"level-{slugs[1]}": "5", f"evidence-{slugs[1]}": "Designed it", "submit": "1"}
    assert client.post(url, {**post, "overall_comment": "Solid"}).status_code == 302
    review = Review.objects.get()
    assert review.is_submitted and review.overall_comment == "Solid"
    page = client.get(url).content.decode()
    assert "Their own rating" in page and 'type="radio"' not in page
    before = rows()
    client.post(url, {**post, f"level-{slugs[0]}": "0"})
    assert client.post(reverse("reviews:rate", args=[review.pk]), {"skill": slugs[0], "level": "0"}).status_code == 409
    assert rows() == before


def test_submitting_an_incomplete_review_keeps_the_answers_as_a_draft(carol, carols_draft, slugs):
    client = client_for(carol)
    client.post(reverse("reviews:review", args=[carols_draft.pk]), {f"level-{slugs[0]}": "2", "submit": "1"})
    review = Review.objects.get()
    assert not review.is_submitted and list(review.ratings.values_list("level", flat=True)) == [2]


def test_a_level_out_of_range_in_the_form_is_shown_and_saves_nothing(carol, carols_draft, slugs):
    before = rows()
    response = client_for(carol).post(reverse("reviews:review", args=[carols_draft.pk]), {f"level-{slugs[0]}": "9"})
    assert response.status_code == 200 and b"Choose a level from 0 to 5, or" in response.content
    assert rows() == before


def test_evidence_is_shown_only_when_the_owner_shares_it(alice, submitted, carol, slugs):
    from assessments.tests.factories import submitted_for
    from roles.tests.factories import make_role

    role = make_role(required=2, differentiating=0, title="Evidence Role")
    first = role.role_skills.select_related("skill").first().skill
    assessment = submitted_for(alice, role)
    assessment.snapshot["ratings"][first.slug]["evidence"] = "Shipped the feature store"
    assessment.save(update_fields=["snapshot"])
    for shown in (False, True):
        review, _ = services.take_request(review_request=request_for(assessment, show_evidence=shown), user=carol)
        body = client_for(carol).get(reverse("reviews:review", args=[review.pk])).content
        assert (b"Shipped the feature store" in body) is shown


# --- comparing, calibrating and the report on a basis ----------------------------------------


def test_compare_shows_both_sides_flags_and_comments(alice_client, submitted, carol, slugs):
    # self 3, 3, 1, 2; reviewer 1, 3, 2, 2 -> slug0 differs by 2 (flagged)
    review = review_of(
        submitted, carol, levels={slugs[0]: 1, slugs[1]: 3, slugs[2]: 2, slugs[3]: 2}, comments={slugs[0]: "Not yet"}
    )
    body = alice_client.get(reverse("reviews:compare", args=[review.pk])).content.decode()
    assert body.count('data-testid="flag"') == 1
    assert "Not yet" in body and "carol" in body
    assert "<strong>3 of 4</strong> skills (75%)" in body


def test_calibrating_saves_changed_skills_with_a_note(alice_client, submitted, carol, slugs):
    review = review_of(submitted, carol)
    post = {f"level-{s}": str(v) for s, v in zip(slugs, [3, 3, 1, 2], strict=True)}
    post[f"level-{slugs[2]}"] = "2"
    post[f"note-{slugs[2]}"] = "My reviewer saw me do it"
    assert alice_client.post(reverse("reviews:compare", args=[review.pk]), post).status_code == 302
    assert list(Calibration.objects.values_list("skill_slug", "level", "note")) == [
        (slugs[2], 2, "My reviewer saw me do it")
    ]


def test_a_bad_calibration_is_shown_and_saves_nothing(alice_client, submitted, carol, slugs):
    review = review_of(submitted, carol)
    before = rows()
    post = {f"level-{s}": "3" for s in slugs} | {f"level-{slugs[1]}": "7", f"note-{slugs[0]}": "x" * 501}
    response = alice_client.post(reverse("reviews:compare", args=[review.pk]), post)
    assert response.status_code == 200 and b"Choose a level from 0 to 5." in response.content
    assert rows() == before


def test_the_report_switches_basis_and_the_json_names_it(alice_client, submitted, carol, slugs):
    review_of(submitted, carol, level=5)
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 3, "agreed")])
    url = reverse("assessments:report", args=[submitted.pk])
    pages = {b: alice_client.get(f"{url}?basis={b}").content.decode() for b in ("self", "reviewer", "calibrated")}
    assert 'data-testid="ratings-basis">Your ratings' in pages["self"]
    assert 'data-testid="ratings-basis">Reviewer' in pages["reviewer"]
    assert 'data-testid="ratings-basis">Calibrated' in pages["calibrated"]
    assert len({p.split('data-testid="second-opinion"')[1] for p in pages.values()}) == 3
    data = json.loads(alice_client.get(reverse("assessments:report_json", args=[submitted.pk])).content)
    assert data["ratings_basis"] == "calibrated"  # calibrations exist: the default
    by_slug = {s["slug"]: s for s in data["skills"]}
    assert (by_slug[slugs[2]]["self_rating"], by_slug[slugs[2]]["reviewer_rating"]) == (1, 5)
    assert (by_slug[slugs[2]]["calibrated_rating"], by_slug[slugs[2]]["rating"]) == (3, 3)
    reviewer = json.loads(
        alice_client.get(reverse("assessments:report_json", args=[submitted.pk]) + "?basis=reviewer").content
    )
    assert reviewer["ratings_basis"] == "reviewer" and {s["rating"] for s in reviewer["skills"]} == {5}


def test_without_reviews_the_json_has_null_reviewer_ratings(alice_client, submitted):
    data = json.loads(alice_client.get(reverse("assessments:report_json", args=[submitted.pk])).content)
    assert data["ratings_basis"] == "self"
    assert all(s["reviewer_rating"] is None and s["calibrated_rating"] == s["self_rating"] for s in data["skills"])


def test_a_shared_report_never_shows_reviewers_or_comments(alice_client, submitted, carol, slugs):
    from assessments.tests.factories import shared

    review_of(submitted, carol, comments={slugs[0]: "A private remark"})
    _link, path = shared(submitted, display_name="Alice")
    body = Client().get(path).content.decode()
    assert "carol" not in body and "A private remark" not in body and "Second opinion" not in body


def _share(alice_client, assessment, **ticks):
    """A share link made on the owner's share page: (link, the path it opens, shown once)."""
    from assessments.models import ShareLink

    response = alice_client.post(
        reverse("assessments:shares", args=[assessment.pk]), {"display_name": "Alice A.", **ticks}
    )
    assert response.status_code == 200
    return ShareLink.objects.get(assessment=assessment), urlsplit(response.context["new_link"]).path


def test_a_share_link_leaves_the_second_opinions_out_unless_ticked(alice_client, submitted, carol, slugs):
    review = review_of(submitted, carol, comments={slugs[0]: "A private remark"})
    Review.objects.filter(pk=review.pk).update(overall_comment="Ships carefully")

    link, path = _share(alice_client, submitted)
    body = Client().get(path).content.decode()

    assert link.include_reviews is False
    assert "carol" not in body and "A private remark" not in body and "Ships carefully" not in body
    assert "Second opinion" not in body and 'data-testid="shared-opinions"' not in body
    shares_page = alice_client.get(reverse("assessments:shares", args=[submitted.pk])).content.decode()
    assert "no plan, current role, evidence notes or second opinions" in shares_page


def test_a_ticked_share_link_shows_each_reviewer_as_a_number_with_ratings_beside_the_owners_and_comments(
    alice_client, submitted, carol, slugs
):
    review_of(submitted, carol, levels={slugs[0]: 5, slugs[1]: 1}, comments={slugs[0]: "Led the launch"})
    review_of(submitted, UserFactory(username="dave"), skills=slugs[:1], level=4)
    review_of(submitted, UserFactory(username="erin"), submit=False)  # a draft stays private

    link, path = _share(alice_client, submitted, include_reviews="on")
    body = Client().get(path).content.decode()

    assert link.include_reviews is True
    assert 'data-testid="shared-opinions"' in body
    assert body.count('data-testid="shared-opinion"') == 2
    assert "carol" not in body and "dave" not in body and "erin" not in body  # nobody agreed to be named
    assert ">Reviewer 1<" in body and ">Reviewer 2<" in body
    assert "Led the launch" in body
    carols = body[body.index(">Reviewer 1<") :]  # carol submitted first
    first_row = carols[carols.index(f'data-skill="{slugs[0]}"') :].split("</li>")[0]
    assert '"shared-self-level">3<' in first_row and '"shared-reviewer-level">5<' in first_row
    shares_page = alice_client.get(reverse("assessments:shares", args=[submitted.pk])).content.decode()
    assert "Includes the second opinions" in shares_page


def test_a_reviewer_who_agreed_to_be_named_is_named_on_share_links(alice_client, submitted, carol, slugs):
    draft = review_of(submitted, carol, submit=False)
    data = {f"level-{slug}": "3" for slug in draft.request.skills}
    response = client_for(carol).post(
        reverse("reviews:review", args=[draft.pk]), {**data, "named_on_share_links": "on", "submit": "1"}
    )
    assert response.status_code == 302
    review_of(submitted, UserFactory(username="dave"))
    _link, path = _share(alice_client, submitted, include_reviews="on")
    body = Client().get(path).content.decode()
    assert ">carol<" in body and "dave" not in body and ">Reviewer 2<" in body


def test_the_review_invitation_says_who_may_see_the_review(submitted, carol):
    _review_request, path = link_for(submitted)
    page = client_for(carol).get(path).content.decode()
    assert "anyone with that link sees your ratings and comments" in page
    assert "Reviewer 1" in page


def test_a_review_request_name_with_a_line_break_or_direction_mark_is_refused(alice_client, submitted, slugs):
    before = ReviewRequest.objects.count()
    for name in ("Alice\r\nBcc: x@evil.test", "Alice \u202eevil"):
        response = alice_client.post(
            reverse("reviews:manage", args=[submitted.pk]), {"display_name": name, "skills": slugs[:1]}
        )
        assert response.status_code == 200
        assert "one line of ordinary text" in response.content.decode()
    assert ReviewRequest.objects.count() == before


def test_a_ticked_share_link_without_a_submitted_review_shows_no_second_opinions(alice_client, submitted, carol):
    review_of(submitted, carol, submit=False)
    link, path = _share(alice_client, submitted, include_reviews="on")
    body = Client().get(path).content.decode()
    assert "carol" not in body and "Second opinion" not in body


def test_deleting_a_received_review_from_the_page(alice_client, submitted, carol):
    review = review_of(submitted, carol)
    assert alice_client.post(reverse("reviews:delete", args=[review.pk])).status_code == 302
    assert not Review.objects.exists()


def test_the_calibration_page_states_the_tendency_after_two_reviews(alice_client, submitted):
    review_of(submitted, level=2)
    assert b"With two reviews or more" in alice_client.get(reverse("reviews:calibration")).content
    review_of(submitted, level=2)
    assert b"rate yourself 0.3 levels above your reviewers" in alice_client.get(reverse("reviews:calibration")).content


def test_the_reviewer_lists_their_reviews(submitted, carol, carols_draft):
    body = client_for(carol).get(reverse("reviews:mine")).content.decode()
    assert reverse("reviews:review", args=[carols_draft.pk]) in body


def test_a_retake_after_calibrating_says_which_levels_are_calibrated(alice_client, submitted, slugs):
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 3)])
    response = alice_client.post(reverse("assessments:retake", args=[submitted.pk]), follow=True)
    assert "1 of them the level you calibrated after a second opinion" in response.content.decode()
    draft = submitted.user.assessments.get(status="draft")
    pages = [
        alice_client.get(reverse("assessments:step", args=[draft.pk, number])).content.decode() for number in (1, 2)
    ]
    page = next(p for p in pages if f'data-skill="{slugs[2]}"' in p)
    fieldset = page[page.index(f'data-skill="{slugs[2]}"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "Your calibrated level from your assessment of" in fieldset
    others = page.count("From your earlier assessment of")
    assert others >= 1  # the skills that were not calibrated say where they come from, as before
