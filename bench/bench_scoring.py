"""Unit benchmark of assessments.scoring.score(): is it linear in the number of skills?

Run from anywhere: `python bench/bench_scoring.py` (no Django settings needed; scoring is pure).
For 10, 100 and 1,000 skills, with 5× as many courses and 1× as many certifications (each
teaching 3 random skills of the role, each to a random level 1-5) and one suggestion per skill, all from a fixed seed, it
prints the median time per call and the time per skill. Roughly constant µs per skill means
linear growth.
"""

import random
import statistics
import sys
import timeit
from decimal import Decimal
from pathlib import Path

# The repository root, so `assessments.scoring` imports from any working directory.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.scoring import (
    DIFFERENTIATING,
    REQUIRED,
    OfferingInput,
    OfferingSkill,
    SkillInput,
    SuggestionInput,
    score,
)

SIZES = (10, 100, 1_000)
COURSES_PER_SKILL = 5
SKILLS_PER_OFFERING = 3
REPEATS = 7
SEED = 20240605


def make_role(n, rng):
    """n skills, 5n courses, n certifications, n suggestions: plain data, as the report view builds it."""
    skills = [
        SkillInput(
            slug=f"skill-{i}",
            name=f"Skill {rng.randrange(10 * n)}",
            kind=REQUIRED if rng.random() < 0.7 else DIFFERENTIATING,
            target=rng.randint(1, 5),
            weight=Decimal(rng.randint(25, 300)) / 100,
            rating=rng.randint(0, 5),
        )
        for i in range(n)
    ]
    slugs = [s.slug for s in skills]

    def offerings(prefix, count):
        return [
            OfferingInput(
                key=f"{prefix}-{i}",
                title=f"{prefix.title()} {rng.randrange(10 * count)}",
                skills=tuple(
                    OfferingSkill(slug, rng.randint(1, 5)) for slug in rng.sample(slugs, min(SKILLS_PER_OFFERING, n))
                ),
                recommended=rng.random() < 0.1,
            )
            for i in range(count)
        ]

    return {
        "skills": skills,
        "courses": offerings("course", COURSES_PER_SKILL * n),
        "certifications": offerings("certification", n),
        "suggestions": [SuggestionInput(f"Practise {rng.choice(slugs)}.", skill=rng.choice(slugs)) for _ in range(n)],
    }


def time_score(role):
    def call():
        score(
            role["skills"],
            courses=role["courses"],
            certifications=role["certifications"],
            suggestions=role["suggestions"],
        )

    timer = timeit.Timer(call)
    number, _ = timer.autorange()  # enough calls to take at least 0.2 s
    runs = timer.repeat(repeat=REPEATS, number=number)
    return statistics.median(run / number for run in runs)


def main():
    rng = random.Random(SEED)
    print(f"score(): median of {REPEATS} timeit runs, seed {SEED}, Python {sys.version.split()[0]}")
    print(f"{'skills':>7} {'courses':>8} {'certs':>6} {'ms/call':>9} {'µs/skill':>9}")
    for n in SIZES:
        role = make_role(n, rng)
        seconds = time_score(role)
        print(
            f"{n:>7,} {len(role['courses']):>8,} {len(role['certifications']):>6,}"
            f" {seconds * 1e3:>9.3f} {seconds * 1e6 / n:>9.1f}"
        )


if __name__ == "__main__":
    main()
