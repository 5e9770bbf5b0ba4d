"""A published role guide as a 1EdTech CASE 1.0 `CFPackage` (docs/role-format.md, "CASE export").

- the role is the `CFDocument`;
- each skill category is a `CFItem` of type "Category", a child (`isChildOf`) of the document;
- each skill is a `CFItem` of type "Required skill" or "Differentiating skill", a child of its
  category, in the guide's order (`sequenceNumber`);
- each skill has a `CFRubric` with one criterion (the skill, weighted as the guide weights it) and
  six criterion levels, 0-5: the skill's own words for the level where it has them, else the
  general scale's; the level the role targets says so in its `feedback`;
- each alignment (ESCO, O*NET, other) is an `exactMatchOf` association from the skill to the
  framework's identifier (its URI; a URN `urn:x-<framework>:<code>` where there is only a code).

Identifiers are UUID 5s of the role's and skills' slugs, so they stay the same across exports.
URIs are the package's own address with the identifier as a fragment.
"""

import uuid

from django.db.models import Prefetch
from django.utils.text import slugify

from .levels import LEVEL_DESCRIPTIONS, Level
from .models import Role, RoleSkill, SkillAlignment, SkillKind

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://careerpath.invalid/case/v1p0")
ITEM_TYPES = {
    "category": "Category",
    SkillKind.REQUIRED: "Required skill",
    SkillKind.DIFFERENTIATING: "Differentiating skill",
}
CREATOR = "careerpath editors"


def stable_id(*parts):
    """The same UUID for the same parts in every export."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def _when(moment):
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load(slug):
    """The published role with its skills, their categories and alignments (three queries); DoesNotExist."""
    alignments = SkillAlignment.objects.select_related("source")
    rows = RoleSkill.objects.select_related("skill").prefetch_related(Prefetch("skill__alignments", alignments))
    return Role.objects.published().prefetch_related(Prefetch("role_skills", rows)).get(slug=slug)


def package(role, *, base_uri):
    """The CFPackage of `role` (from `load`) as a dict; `base_uri` is the package's own URL."""
    changed = _when(role.updated_at)

    def uri(identifier):
        return f"{base_uri}#{identifier}"

    def link(title, identifier):
        return {"title": title, "identifier": identifier, "uri": uri(identifier)}

    document_id = stable_id("document", role.slug)
    item_types = {key: stable_id("item-type", key) for key in ITEM_TYPES}
    document = {
        "identifier": document_id,
        "uri": uri(document_id),
        "creator": CREATOR,
        "title": role.title,
        "lastChangeDateTime": changed,
        "description": role.summary,
        "language": "en",
        "adoptionStatus": "Published",
        "notes": "Required and differentiating skills of the role, each with what levels 0-5 look like and the "
        "level the role targets (its rubric).",
    }
    items, associations, rubrics, categories = [], [], [], {}

    def child(origin_id, origin_title, parent_id, parent_title, sequence):
        association_id = stable_id("isChildOf", origin_id, parent_id)
        associations.append(
            {
                "identifier": association_id,
                "associationType": "isChildOf",
                "sequenceNumber": sequence,
                "uri": uri(association_id),
                "originNodeURI": link(origin_title, origin_id),
                "destinationNodeURI": link(parent_title, parent_id),
                "lastChangeDateTime": changed,
            }
        )

    for position, role_skill in enumerate(role.role_skills.all(), start=1):
        skill = role_skill.skill
        category = skill.category or "Other skills"
        if category not in categories:
            categories[category] = stable_id("category", role.slug, slugify(category))
            items.append(
                {
                    "identifier": categories[category],
                    "fullStatement": category,
                    "CFItemType": ITEM_TYPES["category"],
                    "CFItemTypeURI": link(ITEM_TYPES["category"], item_types["category"]),
                    "uri": uri(categories[category]),
                    "lastChangeDateTime": changed,
                }
            )
            child(categories[category], category, document_id, role.title, len(categories))
        item_id = stable_id("skill", role.slug, skill.slug)
        kind = SkillKind(role_skill.kind)
        item = {
            "identifier": item_id,
            "fullStatement": skill.description or skill.name,
            "abbreviatedStatement": skill.name,
            "humanCodingScheme": skill.slug,
            "CFItemType": ITEM_TYPES[kind],
            "CFItemTypeURI": link(ITEM_TYPES[kind], item_types[kind]),
            "uri": uri(item_id),
            "lastChangeDateTime": changed,
        }
        if role_skill.note:
            item["notes"] = role_skill.note
        items.append(item)
        child(item_id, skill.name, categories[category], category, position)
        for alignment in skill.alignments.all():
            target = alignment.uri or f"urn:x-{slugify(alignment.framework_label)}:{alignment.code}"
            association_id = stable_id("exactMatchOf", item_id, target)
            associations.append(
                {
                    "identifier": association_id,
                    "associationType": "exactMatchOf",
                    "uri": uri(association_id),
                    "originNodeURI": link(skill.name, item_id),
                    "destinationNodeURI": {
                        "title": f"{alignment.framework_label} {alignment.code}".strip(),
                        "identifier": alignment.code or alignment.uri,
                        "uri": target,
                    },
                    "lastChangeDateTime": changed,
                }
            )
        rubrics.append(_rubric(role, role_skill, item_id, uri, link, changed))
    definitions = {
        "CFItemTypes": [
            {
                "identifier": item_types[key],
                "uri": uri(item_types[key]),
                "title": title,
                "hierarchyCode": str(index),
                "lastChangeDateTime": changed,
            }
            for index, (key, title) in enumerate(ITEM_TYPES.items(), start=1)
        ]
    }
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": definitions,
        "CFRubrics": rubrics,
    }


def _rubric(role, role_skill, item_id, uri, link, changed):
    skill = role_skill.skill
    rubric_id = stable_id("rubric", role.slug, skill.slug)
    criterion_id = stable_id("criterion", role.slug, skill.slug)
    levels = []
    for level in Level:
        level_id = stable_id("level", role.slug, skill.slug, level.value)
        entry = {
            "identifier": level_id,
            "uri": uri(level_id),
            "description": skill.descriptor(level.value) or LEVEL_DESCRIPTIONS[level],
            "quality": level.label,
            "score": float(level.value),
            "position": level.value,
            "rubricCriterionId": criterion_id,
            "lastChangeDateTime": changed,
        }
        if level.value == role_skill.target:
            entry["feedback"] = f"The level a {role.title} is expected to reach."
        levels.append(entry)
    return {
        "identifier": rubric_id,
        "uri": uri(rubric_id),
        "title": f"{skill.name}: levels 0-5",
        "description": f"Target for a {role.title}: level {role_skill.target} ({Level(role_skill.target).label}).",
        "lastChangeDateTime": changed,
        "CFRubricCriteria": [
            {
                "identifier": criterion_id,
                "uri": uri(criterion_id),
                "category": skill.name,
                "description": f"{skill.name} ({SkillKind(role_skill.kind).label.lower()})",
                "CFItemURI": link(skill.name, item_id),
                "weight": float(role_skill.effective_weight),
                "position": role_skill.order,
                "rubricId": rubric_id,
                "lastChangeDateTime": changed,
                "CFRubricCriterionLevels": levels,
            }
        ],
    }
