"""What teams adds to the apps below it, through their hooks (filled in TeamsConfig.ready)."""

from . import selectors, services

# What account_data holds of a person (accounts.hooks.add_account_data): their memberships with
# each team's name, the invitations they made or opened, the review cycles they took part in.
ACCOUNT_DATA_MODELS = [
    "teams.Team",
    "teams.Membership",
    "teams.Invitation",
    "teams.CycleParticipant",
    "teams.ReviewCycle",
]


def account_data(user):
    return {
        "teams": selectors.export_memberships(user),
        **selectors.export_team_records(user),  # invitations made and opened, review cycles taken part in
    }


def delete_account_data(*, user):
    services.remove_user_from_all_teams(user=user)  # memberships go; results that counted them are withdrawn
