"""Writes racing each other: two tabs autosaving one draft, double submissions, autosave during submit.

Each test starts real threads, each with its own database connection, so the row locks in
`services` are what keeps the data right. On PostgreSQL the threads truly overlap
(`SELECT ... FOR UPDATE`). SQLite serialises writers (IMMEDIATE transactions, a 20 s busy
timeout), so the same tests check that nothing is lost or doubled there either.

On SQLite the test database is a file with the app's own connection options (the root
conftest.py), so each thread's connection waits for the writer before it, as the app's do.
"""

import threading
from collections import defaultdict

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from assessments import services
from assessments.models import Assessment, Rating
from assessments.tests.factories import draft_for
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db(transaction=True)

THREAD_TIMEOUT = 120  # seconds; a deadlock fails the test instead of hanging it


def run_threads(targets):
    """Start one thread per callable at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def runner(index, target):
        try:
            barrier.wait(timeout=THREAD_TIMEOUT)
            results[index] = ("ok", target())
        except BaseException as exc:  # reported to the test thread below
            results[index] = ("error", exc)
        finally:
            connection.close()  # each thread has its own connection; close it

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    errors = [value for kind, value in results if kind == "error"]
    assert not errors, f"threads raised: {errors!r}"
    return [value for _kind, value in results]


@pytest.fixture
def big_role(transactional_db):
    return make_role(required=10, differentiating=2, title="Race Condition Engineer")


@pytest.fixture
def role_skills(big_role):
    return [rs.skill for rs in big_role.role_skills.select_related("skill").order_by("order")]


def test_two_tabs_saving_different_skills_at_once_keep_every_rating(big_role, role_skills):
    alice = UserFactory(username="alice")
    draft = draft_for(alice, big_role)
    halves = (role_skills[0::2], role_skills[1::2])

    def tab(skills, level):
        def save_all():
            for _round in range(3):
                for skill in skills:
                    services.save_rating(
                        assessment=Assessment.objects.get(pk=draft.pk), skill=skill, level=level, evidence=skill.slug
                    )
            return len(skills)

        return save_all

    run_threads([tab(halves[0], 2), tab(halves[1], 4)])

    stored = {r.skill_id: (r.level, r.evidence) for r in Rating.objects.filter(assessment=draft)}
    assert Rating.objects.filter(assessment=draft).count() == len(role_skills)
    assert stored == {s.pk: (2, s.slug) for s in halves[0]} | {s.pk: (4, s.slug) for s in halves[1]}


def test_two_tabs_saving_the_same_skill_end_with_the_last_value_one_of_them_wrote(big_role, role_skills):
    alice = UserFactory(username="alice")
    draft = draft_for(alice, big_role)
    skill = role_skills[0]
    rounds = 15

    def tab(name, level):
        def save_many():
            written = []
            for i in range(rounds):
                evidence = f"{name}-{i}"
                services.save_rating(
                    assessment=Assessment.objects.get(pk=draft.pk), skill=skill, level=level, evidence=evidence
                )
                written.append((level, evidence))
            return written

        return save_many

    first, second = run_threads([tab("tab-a", 1), tab("tab-b", 5)])

    rows = list(Rating.objects.filter(assessment=draft))
    assert len(rows) == 1, "one rating per skill, never a duplicate row"
    final = (rows[0].level, rows[0].evidence)
    # Each tab writes in order, so whatever committed last is the last write of one of the tabs.
    assert final in {first[-1], second[-1]}
    assert Rating.objects.count() == 1


def test_many_writers_on_many_drafts_lose_nothing(big_role, role_skills):
    users = [UserFactory(username=f"racer{i}") for i in range(4)]
    drafts = [draft_for(user, big_role) for user in users]

    def writer(draft, offset):
        def save_all():
            saved = {}
            for i, skill in enumerate(role_skills):
                level = (i + offset) % 6
                services.save_rating(assessment=Assessment.objects.get(pk=draft.pk), skill=skill, level=level)
                saved[skill.pk] = level
            return draft.pk, saved

        return save_all

    # Two writers per draft (two tabs of each person), four people at once.
    results = run_threads([writer(d, off) for d in drafts for off in (0, 0)])

    for draft_pk, saved in results:
        stored = dict(Rating.objects.filter(assessment_id=draft_pk).values_list("skill_id", "level"))
        assert stored == saved
    assert Rating.objects.count() == len(drafts) * len(role_skills)


def test_submitting_the_same_assessment_from_several_threads_submits_once(big_role, role_skills):
    alice = UserFactory(username="alice")
    draft = draft_for(alice, big_role, {s.slug: 3 for s in role_skills})

    def submit():
        assessment, submitted = services.submit_assessment(assessment=Assessment.objects.get(pk=draft.pk))
        return submitted, assessment.submitted_at, assessment.snapshot

    results = run_threads([submit] * 5)

    winners = [r for r in results if r[0]]
    assert len(winners) == 1, f"exactly one submission wins, got {len(winners)}"
    draft.refresh_from_db()
    assert draft.is_submitted
    # The others were told "already submitted" and saw the winner's snapshot, not one of their own.
    assert {r[1] for r in results} == {draft.submitted_at}
    assert all(r[2] == draft.snapshot for r in results)
    assert Assessment.objects.filter(user=alice).count() == 1


def test_autosaves_racing_a_submission_land_in_the_snapshot_or_are_refused(big_role, role_skills):
    alice = UserFactory(username="alice")
    draft = draft_for(alice, big_role, {s.slug: 0 for s in role_skills})
    halves = (role_skills[0::2], role_skills[1::2])

    def autosave(skills, tab):
        def save_until_submitted():
            saved, refused = {}, 0
            for i in range(40):
                skill = skills[i % len(skills)]
                level = 1 + i % 5
                evidence = f"{tab}-{i}"
                try:
                    services.save_rating(
                        assessment=Assessment.objects.get(pk=draft.pk), skill=skill, level=level, evidence=evidence
                    )
                except services.AlreadySubmitted:
                    refused += 1
                    continue
                saved[skill.slug] = {"level": level, "evidence": evidence}  # the last saved value wins
            return saved, refused

        return save_until_submitted

    def submit():
        for _ in range(20):  # let some autosaves land first
            Assessment.objects.filter(pk=draft.pk).exists()
        return services.submit_assessment(assessment=Assessment.objects.get(pk=draft.pk))[1]

    (saved_a, refused_a), (saved_b, refused_b), submitted = run_threads(
        [autosave(halves[0], "a"), autosave(halves[1], "b"), submit]
    )

    assert submitted is True
    draft.refresh_from_db()
    snapshot = draft.snapshot["ratings"]
    # Every rating the server reported as saved is in the frozen report...
    for slug, value in {**saved_a, **saved_b}.items():
        assert snapshot[slug] == value, f"{slug}: saved {value} but the snapshot has {snapshot[slug]}"
    # ...and the rows agree with the snapshot: nothing changed after the freeze.
    rows = {r.skill.slug: {"level": r.level, "evidence": r.evidence} for r in draft.ratings.select_related("skill")}
    assert rows == snapshot
    assert refused_a + refused_b + len(saved_a) + len(saved_b) > 0


def test_autosave_requests_racing_the_submit_button_over_http(big_role, role_skills):
    """The same race through the views: every autosave answered 200 is in the report; the rest get 409."""
    alice = UserFactory(username="alice")
    draft = draft_for(alice, big_role, {s.slug: 0 for s in role_skills})
    halves = (role_skills[0::2], role_skills[1::2])
    rate_url = reverse("assessments:rate", args=[draft.pk])

    def tab_client():
        client = Client()
        client.force_login(alice)
        return client

    clients = [tab_client(), tab_client(), tab_client()]

    def autosave(client, skills, tab):
        def post_many():
            answers = defaultdict(list)
            for i in range(30):
                skill = skills[i % len(skills)]
                data = {"skill": skill.slug, "level": str(1 + i % 5), "evidence": f"{tab}-{i}"}
                response = client.post(rate_url, data)
                answers[response.status_code].append(data)
            return answers

        return post_many

    def submit():
        return client_submit(clients[2], draft.pk)

    answers_a, answers_b, submit_status = run_threads(
        [autosave(clients[0], halves[0], "a"), autosave(clients[1], halves[1], "b"), submit]
    )

    assert submit_status == 302
    assert set(answers_a) | set(answers_b) <= {200, 409}, "an autosave is either saved or refused as submitted"
    draft.refresh_from_db()
    assert draft.is_submitted
    last_saved = {}
    for data in answers_a[200] + answers_b[200]:
        last_saved[data["skill"]] = {"level": int(data["level"]), "evidence": data["evidence"]}
    # Per tab, requests are sequential, and the two tabs rate different skills: the last 200 per skill wins.
    for slug, value in last_saved.items():
        assert draft.snapshot["ratings"][slug] == value


def client_submit(client, pk):
    return client.post(reverse("assessments:submit", args=[pk]), {"current_role": ""}).status_code
