"""Invitations bound to people (issue #26 item 4) and invitation mail that is never a weapon
(issue #25 findings 2 and 4): owner confirmation, fixed mail words, throttles, a cap, and a mail
failure that leaves no half-made invitation."""

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from teams import services
from teams.models import Invitation, Membership, Team

pytestmark = pytest.mark.django_db


def rows():
    return {
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name", "slug")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "team_id", "user_id", "role")),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list("pk", "email", "pending_by", "used_by", "revoked_at")
        ),
    }


def invite(client, team, **data):
    return client.post(reverse("teams:invitations", args=[team.slug]), {"role": "member", **data})


def join_url(token):
    return reverse("teams:join", args=[token])


# --- who joins, and when ---------------------------------------------------------------------------


def test_a_link_to_pass_on_makes_its_opener_a_member_at_once(team, alice, bob, bob_client):
    _, token = services.create_invitation(team=team, by=alice)
    response = bob_client.post(join_url(token))
    assert response["Location"] == reverse("teams:consent", args=[team.slug])
    assert Membership.objects.get(team=team, user=bob).role == Membership.Role.MEMBER


def test_a_manager_link_waits_for_the_owner_to_confirm_who_opened_it(team, alice, alice_client, bob, bob_client):
    invitation, token = services.create_invitation(team=team, by=alice, role=Membership.Role.MANAGER)
    page = bob_client.get(join_url(token)).content.decode()
    assert "the team's owner confirms who accepted it" in page
    response = bob_client.post(join_url(token))
    assert response["Location"] == reverse("teams:list")
    assert not Membership.objects.filter(team=team, user=bob).exists()
    assert "Waiting for an owner" in bob_client.get(reverse("teams:list")).content.decode()
    assert bob_client.get(join_url(token))["Location"] == reverse("teams:list")  # opening it again: still waiting

    # A forwarded copy of the link is used up for anyone else.
    carol = UserFactory(username="carol")
    other = bob_client.__class__()
    other.force_login(carol)
    assert other.post(join_url(token)).status_code == 410
    assert not Membership.objects.filter(user=carol).exists()

    owners_page = alice_client.get(reverse("teams:invitations", args=[team.slug])).content.decode()
    assert "Opened by <strong>bob</strong>" in owners_page
    alice_client.post(reverse("teams:confirm", args=[team.slug, invitation.pk]))
    assert Membership.objects.get(team=team, user=bob).role == Membership.Role.MANAGER
    invitation.refresh_from_db()
    assert invitation.status == "used" and invitation.used_by == bob


def test_an_emailed_invitation_opened_by_an_unverified_address_waits_for_the_owner(team, alice, client):
    dana = UserFactory(username="dana", verified=False)
    client.force_login(dana)
    invitation, token = services.create_invitation(team=team, by=alice, email=dana.email.upper())
    page = client.get(join_url(token)).content.decode()
    assert "Verify your email first" in page and 'name="action_send"' in page
    client.post(join_url(token))
    invitation.refresh_from_db()
    assert invitation.status == "pending" and invitation.pending_by == dana
    assert not Membership.objects.filter(team=team, user=dana).exists()


def test_an_emailed_invitation_opened_by_its_verified_address_joins_at_once(team, alice, bob, bob_client):
    invitation, token = services.create_invitation(team=team, by=alice, email=bob.email.upper())
    assert "Verify your email first" not in bob_client.get(join_url(token)).content.decode()
    bob_client.post(join_url(token))
    invitation.refresh_from_db()
    assert invitation.status == "used" and invitation.used_by == bob
    assert Membership.objects.get(team=team, user=bob).role == Membership.Role.MEMBER


def test_accepting_an_invitation_sent_to_another_address_is_refused_and_changes_nothing(team, alice, bob_client):
    _, token = services.create_invitation(team=team, by=alice, email="carol@example.com")
    before = rows()
    response = bob_client.post(join_url(token))
    assert response.status_code == 409
    assert "sent to another email address" in response.content.decode()
    assert "carol@example.com" not in response.content.decode()  # the invited address is not told
    assert rows() == before


def test_an_address_the_account_has_verified_joins_at_once_but_a_manager_link_still_waits(team, alice, bob):
    member_inv, _ = services.create_invitation(team=team, by=alice, email=bob.email)
    assert services.accept_invitation(invitation=member_inv, user=bob).role == Membership.Role.MEMBER
    carol = UserFactory(username="carol")
    manager_inv, _ = services.create_invitation(team=team, by=alice, email=carol.email, role=Membership.Role.MANAGER)
    assert services.accept_invitation(invitation=manager_inv, user=carol) is None


def test_only_an_address_confirmed_through_allauth_counts_as_verified():
    from allauth.account.models import EmailAddress

    from accounts.emails import has_verified_email

    unsaved = UserFactory.build(email="x@example.com")
    assert has_verified_email(unsaved, "x@example.com") is False
    erin = UserFactory(username="erin", verified=False)
    assert has_verified_email(erin, "ERIN@example.com") is False
    EmailAddress.objects.filter(user=erin).update(verified=True)
    assert has_verified_email(erin, "ERIN@example.com") is True
    assert has_verified_email(erin, "someone-else@example.com") is False


def test_declining_leaves_them_out_and_the_link_dead(team, alice, alice_client, bob, bob_client):
    invitation, token = services.create_invitation(team=team, by=alice, role=Membership.Role.MANAGER)
    bob_client.post(join_url(token))
    response = alice_client.post(reverse("teams:revoke", args=[team.slug, invitation.pk]), follow=True)
    assert "Declined" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert not Membership.objects.filter(team=team, user=bob).exists()
    assert bob_client.post(join_url(token)).status_code == 410


def test_confirming_an_invitation_nobody_opened_is_refused_and_changes_nothing(team, alice, alice_client):
    invitation, _ = services.create_invitation(team=team, by=alice)
    before = rows()
    response = alice_client.post(reverse("teams:confirm", args=[team.slug, invitation.pk]), follow=True)
    assert "Only an invitation someone opened" in response.content.decode()
    assert rows() == before


def test_the_join_page_says_which_team_and_who_invited_as_inert_text(alice, bob_client):
    alice.first_name = '<a href="http://evil.test">Claim</a>'
    alice.save()
    team = services.create_team(user=alice, name="Claim your prize at http://evil.test/login now", slug="prize")
    _, token = services.create_invitation(team=team, by=alice)
    page = bob_client.get(join_url(token)).content.decode()
    assert "&lt;a href=&quot;http://evil.test&quot;&gt;Claim&lt;/a&gt;" in page
    assert '<a href="http://evil.test' not in page
    assert "Claim your prize at http://evil.test/login now" in page  # the team's name, as text


# --- the mail --------------------------------------------------------------------------------------


def test_the_mail_carries_only_fixed_words_and_the_link(alice, alice_client):
    alice.first_name = "Eve http://evil.test"
    alice.save()
    team = services.create_team(user=alice, name="Claim your prize at http://evil.test/login now", slug="prize")
    response = invite(alice_client, team, email="victim@external.test")
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.subject == services.INVITATION_SUBJECT
    assert "evil" not in message.subject + message.body and "prize" not in message.body.lower()
    link = response.context["new_link"]
    assert link in message.body
    assert [line for line in message.body.split() if "://" in line] == [link]  # the one link: ours


def test_a_team_name_with_a_line_break_is_refused_and_nothing_is_made(alice_client):
    before = rows()
    for name in ("Evil\r\nBcc: x@evil.test", "Evil\nBcc: x@evil.test", "Team \u202eevil"):
        response = alice_client.post(reverse("teams:create"), {"name": name, "slug": ""})
        assert response.status_code == 200
        assert "one line of ordinary text" in response.content.decode()
    assert rows() == before


def test_an_old_team_name_with_a_line_break_still_mails_without_a_500(alice, alice_client):
    team = services.create_team(user=alice, name="Data", slug="data")
    Team.objects.filter(pk=team.pk).update(name="Evil\r\nBcc: x@evil.test")  # stored before the validator
    response = invite(alice_client, team, email="carol@example.com")
    assert response.status_code == 200
    assert mail.outbox[0].subject == services.INVITATION_SUBJECT


def test_a_mail_that_cannot_be_sent_leaves_the_invitation_with_its_link_shown(team, alice_client, monkeypatch):
    def fail(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(services, "send_mail", fail)
    response = invite(alice_client, team, email="carol@example.com")
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be sent" in page
    invitation = Invitation.objects.get()
    assert response.context["new_link"].endswith("/")  # the one time its link is shown
    assert services.find_invitation(response.context["new_link"].rstrip("/").rsplit("/", 1)[1]) == invitation


# --- throttles and the cap --------------------------------------------------------------------------


def test_invitation_mail_is_throttled_per_account_with_a_clear_429(team, alice_client, settings):
    settings.TEAM_INVITE_MAIL_RATE_ACCOUNT = "3/h"
    for i in range(3):
        assert invite(alice_client, team, email=f"victim{i}@external.test").status_code == 200
    before = rows()
    response = invite(alice_client, team, email="victim9@external.test")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many invitation emails" in response.content.decode()
    assert rows() == before and len(mail.outbox) == 3
    assert invite(alice_client, team).status_code == 200  # a link to pass on sends no mail: not counted


def test_invitation_mail_is_throttled_per_client_address_across_accounts(alice, bob, settings):
    from django.test import Client

    settings.TEAM_INVITE_MAIL_RATE_ADDRESS = "4/h"
    clients = []
    for user, slug in ((alice, "a-team"), (bob, "b-team")):
        services.create_team(user=user, name=slug, slug=slug)
        c = Client(REMOTE_ADDR="203.0.113.7")
        c.force_login(user)
        clients.append((c, Team.objects.get(slug=slug)))
    codes = [invite(c, t, email=f"v{i}@external.test").status_code for i in range(2) for c, t in clients]
    assert codes == [200, 200, 200, 200]
    c, t = clients[1]
    assert invite(c, t, email="v9@external.test").status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.1")
    other.force_login(alice)
    assert invite(other, clients[0][1], email="v10@external.test").status_code == 200


def test_a_team_has_at_most_so_many_open_invitations(team, alice, alice_client):
    for _ in range(services.MAX_OPEN_INVITATIONS):
        services.create_invitation(team=team, by=alice)
    before = rows()
    response = invite(alice_client, team)
    assert response.status_code == 200
    assert f"already has {services.MAX_OPEN_INVITATIONS} open invitations" in response.content.decode()
    assert rows() == before
    services.revoke_invitation(invitation=Invitation.objects.first())
    assert invite(alice_client, team).context["new_link"]


def test_several_open_links_are_listed_with_who_made_them_when_they_expire_and_a_revoke(team, alice_client):
    links = [invite(alice_client, team).context["new_link"] for _ in range(3)]
    page = alice_client.get(reverse("teams:invitations", args=[team.slug])).content.decode()
    assert page.count('data-testid="invitation"') == 3
    assert page.count("Made by alice") == 3 and page.count(" · expires ") == 3
    assert page.count(">Revoke<") == 3
    assert len(set(links)) == 3
