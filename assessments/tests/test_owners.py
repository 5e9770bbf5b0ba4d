"""Who owns what (assessments/owners.py): `owned_by` along an assessment path or a user path, and
nobody alone owns a team's rows, which only appear on its members' pages."""

import pytest

from assessments.models import Assessment
from assessments.owners import Owner
from assessments.tests.factories import draft_for
from teams.models import Membership, Team
from teams.tests.factories import join, team_of


def test_owned_by_follows_an_assessment_path(alice, bob, role):
    mine = draft_for(alice, role)
    draft_for(bob, role)

    assert list(Assessment.objects.owned_by(alice)) == [mine]
    assert not Assessment.objects.owned_by(Owner(session_key="a-visitor")).exists()


def test_owned_by_follows_a_user_path(alice, bob):
    team = team_of(bob)
    join(team, alice)

    assert list(Membership.objects.owned_by(alice)) == [Membership.objects.get(team=team, user=alice)]
    assert not Membership.objects.owned_by(Owner(session_key="a-visitor")).exists()
    assert not Membership.objects.owned_by(None).exists()


def test_a_team_is_nobodys_alone_but_appears_on_its_members_pages(alice, bob):
    team = team_of(bob)
    join(team, alice)

    with pytest.raises(TypeError, match="nobody's alone"):
        Team.objects.owned_by(alice)
    assert Team.objects.filter(pk=team.pk).page_owners() == {Owner(user_id=alice.pk), Owner(user_id=bob.pk)}
