"""How a role's skills are split into short steps, and how long the rest will take.

Steps follow the guide, one area (skill category) at a time: the areas in the order their first
skill appears when the required skills come first (in the role's order, RoleSkill.order, which
editors set) and the differentiating ones after them; within an area its required skills first.
So a required skill and a differentiating one of the same area are rated together.

No step holds a single skill unless the role has only one skill in that area (issue 28, item 7):
- an area of more than STEP_SIZE skills is split into the fewest parts of at most STEP_SIZE, as
  even as they can be (6 skills: 3 + 3, never 5 + 1);
- the areas of which the role has only one skill are pooled into shared steps, in guide order
  (titled by their areas), split the same way; only a lone such area stays a step of one skill.

Ratings are kept per skill, never per step, so a draft's saved answers stay valid when the
grouping or the guide changes. Pure: plain data in, plain data out.
"""

import math
from dataclasses import dataclass

STEP_SIZE = 5
KIND_ORDER = {"required": 0, "differentiating": 1}
REQUIRED = "required"
TITLE_AREAS = 3  # a pooled step names at most this many areas in its title

# The time-left estimate: the skills still to rate or confirm, at 30 seconds a skill (reading a
# skill's level descriptions and picking one). The 30 seconds is our assumption, not a measurement,
# and the page says so ("at about 30 seconds a skill") rather than presenting it as data.
SECONDS_PER_SKILL = 30


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    categories: tuple[str, ...]  # the areas of its skills: one, or several pooled one-skill areas
    part: int  # 1-based part of an area (or pool) split over several steps
    parts: int
    items: tuple  # the role skills (any objects with .kind, .skill.category) in this step

    @property
    def category(self):
        return self.categories[0]

    @property
    def kind(self):
        """ "required" when the step holds a required skill (the step list's section), else "differentiating"."""
        return REQUIRED if self.required else "differentiating"

    @property
    def required(self):
        return sum(1 for rs in self.items if rs.kind == REQUIRED)

    @property
    def differentiating(self):
        return len(self.items) - self.required

    @property
    def mixed(self):
        """Both required and differentiating skills (each skill then says which it is)."""
        return 0 < self.required < len(self.items)

    @property
    def title(self):
        labels = [c or "General" for c in self.categories]
        if len(labels) > TITLE_AREAS:
            label = f"{', '.join(labels[: TITLE_AREAS - 1])} and {len(labels) - TITLE_AREAS + 1} more areas"
        elif len(labels) > 1:
            label = f"{', '.join(labels[:-1])} and {labels[-1]}"
        else:
            label = labels[0]
        return f"{label} ({self.part} of {self.parts})" if self.parts > 1 else label


def even_parts(items, size):
    """`items` in the fewest consecutive parts of at most `size`, their lengths differing by at most one."""
    if not items:
        return []
    count = math.ceil(len(items) / size)
    base, extra = divmod(len(items), count)
    parts, start = [], 0
    for index in range(count):
        end = start + base + (index < extra)
        parts.append(items[start:end])
        start = end
    return parts


def _areas(role_skills):
    """{area: [role skills]} in step order: required skills first (the role's order), then the others."""
    ordered = sorted(role_skills, key=lambda rs: KIND_ORDER.get(rs.kind, 2))  # stable: the role's order
    areas = {}
    for rs in ordered:
        areas.setdefault((rs.skill.category or "").strip(), []).append(rs)
    return areas


def build_steps(role_skills, *, size=STEP_SIZE):
    """Split `role_skills` (already in the role's order) into steps."""
    areas = _areas(role_skills)
    lone = [items[0] for items in areas.values() if len(items) == 1]
    groups = []  # each area of several skills, and the pool of one-skill areas where the first of them stood
    for items in areas.values():
        if len(items) > 1:
            groups.append(items)
        elif items[0] is lone[0]:
            groups.append(lone)
    steps = []
    for items in groups:
        chunks = even_parts(items, size)
        for part, chunk in enumerate(chunks, start=1):
            categories = tuple(dict.fromkeys((rs.skill.category or "").strip() for rs in chunk))
            steps.append(
                Step(number=len(steps) + 1, categories=categories, part=part, parts=len(chunks), items=tuple(chunk))
            )
    return steps


def first_unrated_step(steps, rated_skill_ids):
    """The number of the first step with a skill not yet rated, or None when every skill is rated."""
    for step in steps:
        if any(rs.skill_id not in rated_skill_ids for rs in step.items):
            return step.number
    return None


@dataclass(frozen=True)
class StepState:
    step: Step
    state: str  # "done" (every skill rated and confirmed), "current", or "todo"

    def __getattr__(self, name):  # the template reads s.number, s.title, s.kind as on a Step
        return getattr(self.step, name)


def step_states(steps, confirmed_skill_ids, current_number=None):
    """Each step with whether it is done, the current one, or still to do."""
    states = []
    for step in steps:
        if step.number == current_number:
            state = "current"
        elif all(rs.skill_id in confirmed_skill_ids for rs in step.items):
            state = "done"
        else:
            state = "todo"
        states.append(StepState(step=step, state=state))
    return states


def time_left(remaining, *, seconds_per_skill=SECONDS_PER_SKILL):
    """'About 6 minutes left: 12 skills to rate or confirm, at about 30 seconds a skill.' (empty when none)"""
    if not remaining:
        return ""
    minutes = max(1, round(remaining * seconds_per_skill / 60))
    about = "About 1 minute" if minutes == 1 else f"About {minutes} minutes"
    noun = "skill" if remaining == 1 else "skills"
    return f"{about} left: {remaining} {noun} to rate or confirm, at about {seconds_per_skill} seconds a skill."
