"""Every model that names a person is in "Download my data" or left out with a reason written here,
and deleting an account leaves no row that names the person (issue 27, item 5).

The lists are derived, not written by hand: a model names a person when it has a relation to the
user model or an owner (an OwnedByQuerySet's `owner_path`, assessments/owners.py); the download's models
are what each app declares with `accounts.hooks.add_account_data(part, models=...)` plus accounts'
own (`accounts.services.OWN_DATA_MODELS`). So a new model that names a person fails here until its
app puts it in the download or it is added below with the reason.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts import hooks
from accounts.services import OWN_DATA_MODELS, delete_user_account
from assessments import owners
from careerpath.owner import Owner
from careerpath.tests.test_stale_pages import world  # noqa: F401 (alice's world: a row of every owned model)

pytestmark = pytest.mark.django_db

NOT_IN_THE_DOWNLOAD = {
    "admin.LogEntry": "the admin's log of staff edits to role guides: a staff member's work record, not a member's data",
    "roles.RoleRevision": "`published_by` names the staff editor who published a guide revision: an editorial record "
    "(set to null when that account goes)",
    "teams.Assignment": "a role a team's owner or manager assigned to the team: the team's record, on the team page "
    "for its members (`created_by` set to null when that account goes)",
}


def personal_models():
    """{"app.Model": [the fields that point at the user]} for every model that names a person."""
    user_model = get_user_model()
    owned = set(personal_owned_models())
    found = {user_model._meta.label: []}
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.get_fields()
            if f.is_relation and not f.auto_created and f.related_model is user_model and (f.concrete or f.many_to_many)
        ]
        if fields or model in owned:
            found[model._meta.label] = fields
    return found


def personal_owned_models():
    """The models whose rows are someone's data by their owner declaration (a team's rows are nobody's alone)."""
    return owners.personal_models(apps)


def download_models():
    return set(OWN_DATA_MODELS) | hooks.account_data_models()


def test_every_model_that_names_a_person_is_in_the_download_or_left_out_with_a_reason():
    forgotten = sorted(set(personal_models()) - download_models() - set(NOT_IN_THE_DOWNLOAD))
    assert not forgotten, (
        f"{forgotten} name a person but are not in 'Download my data': add them to the app's part "
        "(accounts.hooks.add_account_data(part, models=[...])) or to NOT_IN_THE_DOWNLOAD with the reason"
    )


def test_the_declarations_name_real_models_and_leave_out_only_models_that_name_a_person():
    for label in download_models() | set(NOT_IN_THE_DOWNLOAD):
        apps.get_model(label)  # a misspelt or removed model raises LookupError
    assert not set(NOT_IN_THE_DOWNLOAD) & download_models(), "left out and in the download at once"
    stale = set(NOT_IN_THE_DOWNLOAD) - set(personal_models())
    assert not stale, f"{sorted(stale)} no longer name a person: remove them from NOT_IN_THE_DOWNLOAD"
    assert all(reason.strip() for reason in NOT_IN_THE_DOWNLOAD.values())


def test_a_foreign_key_to_the_user_or_an_owner_declaration_makes_a_model_personal():
    found = personal_models()
    assert found["notices.Notice"] == ["user"]  # a foreign key to the user
    assert found["assessments.Rating"] == []  # owned through its assessment (owner_path)
    assert "teams.Team" not in found  # nobody's alone: its members' names are in their memberships
    assert set(found["teams.Invitation"]) == {"created_by", "pending_by", "used_by"}
    assert "roles.Role" not in found and "roles.Skill" not in found


def rows_naming(user_id):
    """{"app.Model": rows that name the person}: through each relation to the user and, for an owned
    model, through its owner declaration (`owned_by`)."""
    user_model = get_user_model()
    counts = {}
    for label, fields in personal_models().items():
        model = apps.get_model(label)
        if model is user_model:
            counts[label] = model._base_manager.filter(pk=user_id).count()
            continue
        names = Q(pk__in=[])
        for name in fields:
            names |= Q(**{name: user_id})
        rows = model._base_manager.filter(names)
        if model in personal_owned_models():
            rows = rows | model._default_manager.owned_by(Owner(user_id=user_id))
        counts[label] = rows.distinct().count()
    return counts


def test_deleting_an_account_leaves_no_row_that_names_the_person(world, alice):  # noqa: F811
    user_id = alice.pk  # the deletion sets alice.pk to None
    before = rows_naming(user_id)
    without_rows = sorted(m._meta.label for m in personal_owned_models() if not before[m._meta.label])
    assert not without_rows, f"the world gives alice no {without_rows}: the test would prove nothing for them"

    delete_user_account(user=alice)

    after = rows_naming(user_id)
    assert after == dict.fromkeys(after, 0), {label: n for label, n in after.items() if n}
