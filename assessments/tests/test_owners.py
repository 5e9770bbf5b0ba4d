"""Who owns what (assessments/owners.py): `owned_by` takes an Owner and nothing else, follows an
assessment path or a user path, and nobody alone owns a team's rows, which only appear on its
members' pages. The models checked are found from their declarations (`personal_models`), so a new
owned model is checked without being named here."""

import pytest
from django.apps import apps
from django.utils import timezone

from api.services import create_token
from assessments import services
from assessments.models import Assessment
from assessments.owners import personal_models
from assessments.tests.factories import draft_for, submitted_for
from careerpath.owner import Owner
from careerpath.tests.test_stale_pages import committing, world  # noqa: F401 (alice's world: a row of every owned model)
from notices import scan
from notices import services as notices
from notices.models import Delivery, Kind
from reviews import services as reviews
from reviews.tests.factories import review_of
from teams.models import Membership, Team
from teams.tests.factories import join, team_of


def test_owned_by_follows_an_assessment_path(alice, bob, role):
    mine = draft_for(alice, role)
    draft_for(bob, role)

    assert list(Assessment.objects.owned_by(Owner.of_user(alice))) == [mine]
    assert not Assessment.objects.owned_by(Owner(session_key="a-visitor")).exists()


def test_owned_by_follows_a_user_path(alice, bob):
    team = team_of(bob)
    join(team, alice)

    assert list(Membership.objects.owned_by(Owner.of_user(alice))) == [Membership.objects.get(team=team, user=alice)]
    assert not Membership.objects.owned_by(Owner(session_key="a-visitor")).exists()
    assert not Membership.objects.owned_by(Owner()).exists()  # nobody owns nothing


def test_a_team_is_nobodys_alone_but_appears_on_its_members_pages(alice, bob):
    team = team_of(bob)
    join(team, alice)

    with pytest.raises(TypeError, match="nobody's alone"):
        Team.objects.owned_by(Owner.of_user(alice))
    assert Team.objects.filter(pk=team.pk).page_owners() == {Owner(user_id=alice.pk), Owner(user_id=bob.pk)}


@pytest.mark.django_db
@pytest.mark.parametrize("model", personal_models(apps), ids=lambda m: m._meta.label)
def test_owned_by_refuses_a_user_an_id_or_none(model, alice):
    for not_an_owner in (alice, alice.pk, None):
        with pytest.raises(TypeError, match="owned_by takes an Owner"):
            model._default_manager.owned_by(not_an_owner)


def owner_by_walking(row, path):
    """The row's owner found by following `path` one attribute at a time: a second spelling, on
    purpose, of what owned_by's filter says."""
    *through, last = path.split("__")  # "item__plan__user": ["item", "plan"], "user"; "assessment__": [...], ""
    for name in through:
        row = getattr(row, name)
    return Owner(user_id=getattr(row, f"{last}_id")) if last else Owner.of_assessment(row)


@pytest.fixture
def others(world, alice, bob):  # noqa: F811
    """Beside alice's world, rows of the same kinds that are bob's or a visitor's."""
    with committing():
        report = submitted_for(bob, world["role"], level=3)
        services.create_plan(assessment=report)
        services.share_report(assessment=report, display_name="Bob B.")
        review = review_of(report, alice, level=2)
        reviews.save_calibrations(
            assessment=report,
            calibrations=[reviews.CalibrationInput(skill_slug=review.ratings.first().skill_slug, level=2, note="")],
        )
        services.start_assessment(role=world["role"], user=None, session_key="a-visitor")
        create_token(user=bob, name="bob's script", scopes=["read:roles"], days=30)
        notices.set_preferences(user=bob, choices={Kind.REVIEW_ARRIVED: Delivery.IMMEDIATE})
        scan.record(scan.detect(timezone.now()), now=timezone.now())  # alice's review arrived
    return [Owner.of_user(alice), Owner.of_user(bob), Owner(session_key="a-visitor")]


@pytest.mark.django_db
def test_every_owned_models_owned_by_gives_exactly_its_owners_rows(others, alice):
    alices = Owner.of_user(alice)
    for model in personal_models(apps):
        path = model._default_manager.get_queryset().owner_path
        rows = list(model._base_manager.all())
        label = model._meta.label
        assert any(owner_by_walking(r, path) == alices for r in rows), f"alice owns no {label}: nothing is proven"
        assert any(owner_by_walking(r, path) != alices for r in rows), (
            f"all {label} rows are alice's: nothing is proven"
        )
        for owner in others:
            expected = {r.pk for r in rows if owner_by_walking(r, path) == owner}
            found = set(model._default_manager.owned_by(owner).values_list("pk", flat=True))
            assert found == expected, f"{label}.objects.owned_by({owner})"
