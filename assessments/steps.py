"""How a role's skills are split into short steps, and how long the rest will take.

Steps follow the guide: required skills first, in the role's order (RoleSkill.order, which editors
set), then the differentiating ones. Within each kind, skills of one category stay together, the
categories in the order their first skill appears in the guide; a category of more than STEP_SIZE
skills is split over several steps. Pure: plain data in, plain data out.
"""

from dataclasses import dataclass

STEP_SIZE = 5
KIND_ORDER = {"required": 0, "differentiating": 1}

# The time-left estimate: the skills still to rate or confirm, at 30 seconds a skill (reading a
# skill's level descriptions and picking one). The 30 seconds is our assumption, not a measurement,
# and the page says so ("at about 30 seconds a skill") rather than presenting it as data.
SECONDS_PER_SKILL = 30


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    kind: str
    category: str
    part: int  # 1-based part of a category split over several steps
    parts: int
    items: tuple  # the role skills (any objects with .kind, .skill.category) in this step

    @property
    def title(self):
        label = self.category or "General"
        return f"{label} ({self.part} of {self.parts})" if self.parts > 1 else label


def build_steps(role_skills, *, size=STEP_SIZE):
    """Split `role_skills` (already in the role's order) into steps."""
    groups = {}  # insertion order: the guide's order of each kind's categories
    for rs in role_skills:
        key = (KIND_ORDER.get(rs.kind, 2), rs.kind, (rs.skill.category or "").strip())
        groups.setdefault(key, []).append(rs)
    steps = []
    for (_, kind, category), items in sorted(groups.items(), key=lambda kv: kv[0][0]):  # stable: guide order
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        for part, chunk in enumerate(chunks, start=1):
            steps.append(
                Step(
                    number=len(steps) + 1,
                    kind=kind,
                    category=category,
                    part=part,
                    parts=len(chunks),
                    items=tuple(chunk),
                )
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
