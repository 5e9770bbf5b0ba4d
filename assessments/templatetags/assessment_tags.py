import math
from fractions import Fraction

from django import template

from assessments import scoring
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


@register.filter
def whole_percent(value):
    """A one-decimal readiness as the page shows it: a whole number, rounded half up."""
    return scoring.whole_percent(value)


@register.filter
def share_percent(value):
    """A share (a Fraction from 0 to 1) as a whole percentage, rounded half up."""
    return math.floor(Fraction(value) * 100 + Fraction(1, 2))


@register.filter
def fraction(value):
    """An exact number as a person writes it: 2, 1/2, 17/6."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
