"""How a role's skills are split into short steps: required first, then differentiating,
grouped by category, at most STEP_SIZE skills a step. Pure: plain data in, plain data out."""

from dataclasses import dataclass

STEP_SIZE = 5
KIND_ORDER = {"required": 0, "differentiating": 1}


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
    groups = {}
    for rs in role_skills:
        key = (KIND_ORDER.get(rs.kind, 2), rs.kind, (rs.skill.category or "").strip())
        groups.setdefault(key, []).append(rs)
    steps = []
    for (_, kind, category), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2].lower())):
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
