"""roles/registry.py lists role content once; these tests keep it complete and keep everything
that should derive from it derived."""

import pytest
from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from roles import registry
from roles.admin import SECTION_PARTS, RoleAdmin
from roles.importing import schema
from roles.models import Family, Role, RoleFieldSource, Skill, SkillAlignment


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
    sections = [model for _title, models in SECTION_PARTS.values() for model in models]  # in its parts
    assert [inline.model for inline in RoleAdmin.inlines] + sections == list(registry.ROLE_ROWS)


def fields_the_format_reads():
    """{model: {field name}} that role files give, from the importer's entries (roles/importing/schema.py)."""
    read = {model: set() for model in registry.CONTENT_MODELS}
    read[Role] |= {*schema.RoleFile.attrs.values(), *schema.AiImpact.attrs.values()}
    read[Family] |= {"name"}  # the role's `family`
    read[RoleFieldSource] |= {"field", "source"}  # the role's `field_sources`
    read[Skill] |= {f"descriptor_{level}" for level in range(1, 6)}  # a skill's `levels`
    for section in registry.SECTIONS:
        entry = schema.ENTRIES[section.key]
        read[section.model] |= {*entry.attrs.values(), *section.relations}  # a skill or an offering is the entry itself
        for child in registry.CHILD_ROWS.get(section.model, ()):
            read[child] |= {registry.parent_field(child, section.model), "text"}
        if section.offering:
            read[section.offering.model] |= {*entry.shared_attrs.values(), "skills"}
            taught = entry.model_fields["skills"].annotation
            read[section.offering.skill_links] |= {
                section.offering.link_field,
                *schema._entry_class(taught).attrs.values(),
            }
        elif section is registry.SKILLS:
            read[Skill] |= set(entry.shared_attrs.values())
            read[SkillAlignment] |= {"framework", "framework_name", "code", "uri", "source", "order"}
    return read


def test_every_field_of_role_content_is_in_role_files_or_explicitly_left_out():
    read = fields_the_format_reads()
    for model in registry.CONTENT_MODELS:
        fields = {f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
        left_out = schema.LEFT_OUT | schema.NOT_IN_FILES.get(model, set())
        neither = fields - read[model] - left_out - {"skills", "courses", "certifications"}  # Role's: the lists
        assert not neither, f"{model.__name__}: {sorted(neither)} neither read from role files nor left out"


def test_a_model_field_the_format_cannot_read_stops_the_importer_loading():
    from django.db import models

    with pytest.raises(TypeError, match="the role-file format has no type for"):
        schema.field_type(models.JSONField(default=dict, name="extras"))
