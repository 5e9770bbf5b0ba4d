from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.services import delete_user_account, export_user_data
from accounts.tests.factories import UserFactory
from roles.tests.factories import make_role
from teams import services
from teams.models import Assignment, Invitation, Membership, Team, token_digest
from teams.tests.factories import join, membership

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "teams": list(Team.objects.values_list("pk", "name", "slug")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "team_id", "user_id", "role", "consent")
        ),
        "invitations": list(Invitation.objects.order_by("pk").values_list("pk", "used_at", "used_by", "revoked_at")),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "role_id", "everyone")),
    }


def test_creating_a_team_makes_its_creator_the_owner(alice):
    team = services.create_team(user=alice, name="Data", slug="data")
    assert membership(team, alice).role == Membership.Role.OWNER


def test_a_taken_slug_is_refused_and_changes_nothing(team, bob):
    before = snapshot()
    with pytest.raises(services.TeamError, match="taken"):
        services.create_team(user=bob, name="Other", slug=team.slug)
    assert snapshot() == before


def test_an_invitation_token_has_at_least_128_bits_and_only_its_digest_is_stored(team, alice):
    invitation, token = services.create_invitation(team=team, by=alice)
    assert len(token) >= 22  # 128 bits in url-safe base64; token_urlsafe(32) gives 43 characters
    assert invitation.token_digest == token_digest(token) != token
    assert not Invitation.objects.filter(token_digest=token).exists()
    assert services.find_invitation(token) == invitation
    assert services.find_invitation(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_an_invitation_works_once(team, alice, bob):
    invitation, token = services.create_invitation(team=team, by=alice)
    services.accept_invitation(invitation=invitation, user=bob)
    carol = UserFactory(username="carol")
    before = snapshot()
    with pytest.raises(services.InvitationUnusable, match="already been used"):
        services.accept_invitation(invitation=services.find_invitation(token), user=carol)
    assert snapshot() == before


def test_an_invitation_expires_after_seven_days(team, alice, bob):
    invitation, _ = services.create_invitation(team=team, by=alice)
    assert invitation.expires_at - invitation.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = snapshot()
    with pytest.raises(services.InvitationUnusable, match="expired"):
        services.accept_invitation(invitation=invitation, user=bob)
    assert snapshot() == before


def test_a_revoked_invitation_cannot_be_accepted(team, alice, bob):
    invitation, _ = services.create_invitation(team=team, by=alice)
    services.revoke_invitation(invitation=invitation)
    before = snapshot()
    with pytest.raises(services.InvitationUnusable, match="withdrawn"):
        services.accept_invitation(invitation=invitation, user=bob)
    assert snapshot() == before


def test_joining_twice_is_refused_and_leaves_the_link_unused(team, alice, manager, bob):
    invitation, _ = services.create_invitation(team=team, by=alice)
    before = snapshot()
    with pytest.raises(services.TeamError, match="already a member"):
        services.accept_invitation(invitation=invitation, user=bob)
    assert snapshot() == before


def test_the_email_invitation_is_sent_with_the_link(team, alice):
    invitation, token = services.create_invitation(team=team, by=alice, email="carol@example.com")
    services.send_invitation_email(invitation=invitation, token=token, base_url="https://cp.example/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.com"]
    assert f"https://cp.example/teams/join/{token}/" in mail.outbox[0].body


def test_the_last_owner_cannot_leave(team, alice):
    before = snapshot()
    with pytest.raises(services.TeamError, match="only owner"):
        services.leave_team(membership=membership(team, alice))
    assert snapshot() == before


def test_a_member_can_leave(team, manager):
    services.leave_team(membership=manager)
    assert not Membership.objects.filter(pk=manager.pk).exists()


def test_transfer_makes_the_new_owner_and_lets_the_old_one_leave(team, alice, manager):
    services.transfer_ownership(team=team, from_membership=membership(team, alice), to_membership=manager)
    assert membership(team, alice).role == Membership.Role.MANAGER
    manager.refresh_from_db()
    assert manager.is_owner
    services.leave_team(membership=membership(team, alice))
    assert list(team.memberships.values_list("user__username", flat=True)) == ["bob"]


def test_an_owner_cannot_be_removed(team, alice):
    before = snapshot()
    with pytest.raises(services.TeamError):
        services.remove_member(team=team, membership=membership(team, alice))
    assert snapshot() == before


def test_assigning_an_unpublished_role_is_refused_and_changes_nothing(team, alice):
    hidden = make_role(title="Secret", is_published=False)
    before = snapshot()
    with pytest.raises(services.TeamError, match="not published"):
        services.assign_role(team=team, by=alice, role=hidden)
    assert snapshot() == before


def test_assigning_a_member_of_another_team_is_refused(team, alice, bob, role):
    other = services.create_team(user=bob, name="Other", slug="other")
    before = snapshot()
    with pytest.raises(services.TeamError, match="Only members of this team"):
        services.assign_role(team=team, by=alice, role=role, members=[membership(other, bob)])
    assert snapshot() == before


def test_evidence_and_plan_need_individual_consent(team, manager):
    services.set_consent(
        membership=manager, consent=Membership.Consent.AGGREGATES, share_evidence=True, share_plan=True
    )
    manager.refresh_from_db()
    assert (manager.consent, manager.share_evidence, manager.share_plan) == ("aggregates", False, False)


def test_download_my_data_includes_memberships_and_consents(team, manager, bob):
    services.set_consent(membership=manager, consent=Membership.Consent.INDIVIDUAL, share_evidence=True)
    data = export_user_data(user=bob)
    assert data["teams"] == [
        {
            "team": {"name": team.name, "slug": team.slug},
            "role": "manager",
            "joined_at": manager.joined_at,
            "consent": "individual",
            "share_evidence": True,
            "share_plan": False,
            "consent_updated_at": Membership.objects.get(pk=manager.pk).consent_updated_at,
        }
    ]


def test_deleting_an_account_removes_its_memberships(team, manager, bob):
    delete_user_account(user=bob)
    assert not Membership.objects.filter(pk=manager.pk).exists()
    assert Team.objects.filter(pk=team.pk).exists()


def test_deleting_the_last_owners_account_hands_the_team_on(team, alice, manager):
    join(team)  # a plain member joins after bob the manager
    delete_user_account(user=alice)
    manager.refresh_from_db()
    assert manager.is_owner


def test_deleting_the_only_members_account_deletes_the_team(alice):
    team = services.create_team(user=alice, name="Solo", slug="solo")
    delete_user_account(user=alice)
    assert not Team.objects.filter(pk=team.pk).exists()
