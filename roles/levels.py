"""The one proficiency scale (0-5), shared by role targets and self-ratings.

Plain data so that pure modules (scoring) and templates can use it without a database.
"""

from django.db import models


class Level(models.IntegerChoices):
    NONE = 0, "None"
    AWARENESS = 1, "Awareness"
    BEGINNER = 2, "Beginner"
    PRACTITIONER = 3, "Practitioner"
    ADVANCED = 4, "Advanced"
    EXPERT = 5, "Expert"


LEVEL_DESCRIPTIONS = {
    Level.NONE: "No experience yet.",
    Level.AWARENESS: "Knows what it is and why it matters; has not done it.",
    Level.BEGINNER: "Does it with guidance.",
    Level.PRACTITIONER: "Does it independently.",
    Level.ADVANCED: "Leads it, handles the hard cases, teaches others.",
    Level.EXPERT: "Sets the standard others follow.",
}

MIN_LEVEL = Level.NONE
MAX_LEVEL = Level.EXPERT
MIN_TARGET = Level.AWARENESS


def scale():
    """The scale as a list of dicts: level, name, description (for templates and exports)."""
    return [{"level": lvl.value, "name": lvl.label, "description": LEVEL_DESCRIPTIONS[lvl]} for lvl in Level]
