"""roles/registry.py lists role content once; these tests keep it complete and keep everything
that should derive from it derived."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from roles import registry
from roles.admin import RoleAdmin, RoleSectionsAdmin
from roles.importing import SECTIONS


def test_every_model_of_the_roles_app_is_listed_as_content_or_not():
    roles_models = set(apps.get_app_config("roles").get_models())

    assert set(registry.CONTENT_MODELS) | set(registry.NOT_CONTENT) == roles_models
    assert not set(registry.CONTENT_MODELS) & set(registry.NOT_CONTENT)


def test_every_roles_model_with_a_role_foreign_key_is_a_role_row():
    from roles.models import Role

    with_role = {
        model
        for model in apps.get_app_config("roles").get_models()
        if any(f.name == "role" and f.is_relation and f.related_model is Role for f in model._meta.fields)
    }

    assert with_role == set(registry.ROLE_ROWS)


def test_every_section_has_what_the_guide_and_the_role_file_rely_on():
    for section in registry.SECTIONS:
        names = {f.name for f in section.model._meta.get_fields()}
        assert {"role", "order", "sources", "editor_note"} <= names, section.key
        assert section.part in registry.PARTS
        assert set(section.file_keys) <= names
        if section.group_by:
            assert section.model._meta.get_field(section.group_by).choices


def test_every_content_model_moves_the_content_revision():
    for model in registry.CONTENT_MODELS:
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), model
    for through in registry.M2M_THROUGH:
        assert m2m_changed.has_listeners(through), through


def test_the_role_page_and_its_sections_page_have_one_inline_per_role_row_in_registry_order():
    pages = [*RoleAdmin.inlines, *RoleSectionsAdmin.inlines]
    assert [inline.model for inline in pages] == list(registry.ROLE_ROWS)


def test_the_importer_reads_and_writes_every_role_row():
    # the skills, courses and certifications lists, and the role's `field_sources`
    links = {"RoleSkill", "RoleCourse", "RoleCertification", "RoleFieldSource"}
    sections = {section.model.__name__ for section in SECTIONS}

    assert sections | links == {model.__name__ for model in registry.ROLE_ROWS}
