"""An owner's cache scope is spelled once (careerpath/owner.py): a user's and a session's never
meet, nobody has none, and the cleanup's database expression spells a session's the same way."""

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from careerpath.owner import Owner


def test_a_users_scope_and_a_sessions_scope_never_meet_and_nobody_has_none():
    assert Owner(user_id=7).scope != Owner(session_key="7").scope
    assert Owner(user_id=7).scope == Owner(user_id=7, session_key="ignored").scope
    assert Owner().scope is None
    assert Owner(session_key="").scope is None


@pytest.mark.django_db
def test_the_database_spells_a_sessions_scope_as_owner_scope_does():
    Session.objects.create(session_key="a-visitor", session_data="", expire_date=timezone.now())

    scopes = Session.objects.annotate(scope=Owner.session_scope_sql("session_key")).values_list("scope", flat=True)

    assert list(scopes) == [Owner(session_key="a-visitor").scope]
