from django import template

from roles.levels import LEVEL_DESCRIPTIONS, Level

register = template.Library()


@register.filter
def descriptor_for(skill, level):
    """The skill's own description of a level (1-5), or ""."""
    try:
        return skill.descriptor(int(level))
    except (TypeError, ValueError):
        return ""


@register.filter
def level_description(level):
    """The generic scale's description of a level (0-5)."""
    try:
        return LEVEL_DESCRIPTIONS[Level(int(level))]
    except (TypeError, ValueError):
        return ""


@register.filter
def level_name(level):
    try:
        return Level(int(level)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
