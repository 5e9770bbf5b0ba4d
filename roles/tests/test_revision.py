import pytest
from django.db import transaction

from roles import revision
from roles.models import RoleSkill
from roles.tests.factories import RoleFactory, RoleSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_saving_role_content_bumps_the_revision():
    before = revision.current()
    role = RoleFactory()
    assert revision.current() > before
    middle = revision.current()
    RoleSkillFactory(role=role, skill=SkillFactory())
    assert revision.current() > middle


def test_deleting_role_content_bumps_the_revision():
    rs = RoleSkillFactory()
    before = revision.current()
    RoleSkill.objects.filter(pk=rs.pk).first().delete()
    assert revision.current() == before + 1


def test_many_changes_in_one_transaction_count_once():
    before = revision.current()
    with transaction.atomic():
        role = RoleFactory()
        for _ in range(5):
            RoleSkillFactory(role=role)
    assert revision.current() == before + 1


def test_a_rolled_back_change_does_not_count():
    before = revision.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleFactory()
        raise RuntimeError("editor cancelled")
    assert revision.current() == before


def test_a_change_after_a_rolled_back_one_still_counts():
    before = revision.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleFactory()
        raise RuntimeError("editor cancelled")
    with transaction.atomic():
        RoleFactory()
    assert revision.current() == before + 1


@pytest.mark.django_db(transaction=False)
def test_each_change_registers_a_commit_callback_and_the_commit_counts_once(django_capture_on_commit_callbacks):
    before = revision.current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        role = RoleFactory()
        RoleSkillFactory(role=role)
        RoleSkill.objects.filter(role=role).update(note="Needed daily.")
    assert len(callbacks) >= 3
    assert revision.current() == before + 1


@pytest.mark.django_db(transaction=False)
def test_nothing_counts_before_the_commit(django_capture_on_commit_callbacks):
    before = revision.current()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        RoleFactory()
    assert callbacks and revision.current() == before
