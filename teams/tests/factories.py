"""Test data for teams, built through the same services production uses."""

from accounts.tests.factories import UserFactory
from teams import services
from teams.models import Membership


def team_of(owner, *, name="Data Team", slug="data-team"):
    """A team owned by `owner`."""
    return services.create_team(user=owner, name=name, slug=slug)


def join(
    team, user=None, *, role=Membership.Role.MEMBER, consent=Membership.Consent.NOTHING, evidence=False, plan=False
):
    """`user` (default: a new one) joins `team` through an accepted invitation (confirmed by the
    owner where production asks for that: a manager's), with `consent`."""
    user = user or UserFactory()
    owner = Membership.objects.owners().filter(team=team).select_related("user").first().user
    invitation, _ = services.create_invitation(team=team, by=owner, role=role)
    membership = services.accept_invitation(invitation=invitation, user=user)
    if membership is None:
        membership = services.confirm_invitation(team=team, invitation=invitation)
    return services.set_consent(membership=membership, consent=consent, share_evidence=evidence, share_plan=plan)


def membership(team, user):
    return Membership.objects.get(team=team, user=user)
