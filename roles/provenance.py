"""Where a guide's facts come from, as readers see it: citation numbers and the Sources section.

Everything here reads data already loaded for the page (`roles.views.role_guide` prefetches every
item's `sources`), so it adds no query. `is_sourced` (a guide) and `card_provenance` (the role list)
apply the one rule for "this guide comes from published sources".
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

SOURCED_SHARE = 0.5  # a guide is "sourced" when at least half its skills cite a published source


@dataclass
class Cited:
    """One source as a guide cites it: its number on the page and what came from it."""

    number: int
    source: object
    parts: Counter = field(default_factory=Counter)  # section title → how many items cite it

    @property
    def came_from(self):
        """[(section title, count)] in the order the guide shows them (a Counter misleads templates:
        `parts.items` would look up the key "items")."""
        return list(self.parts.items())

    @property
    def anchor(self):
        return f"source-{self.number}"


def is_sourced(role_skills):
    """True when at least half of the skills cite a published (non-editorial) source."""
    role_skills = list(role_skills)
    published = sum(1 for rs in role_skills if any(not s.is_editorial for s in rs.sources.all()))
    return bool(role_skills) and published >= SOURCED_SHARE * len(role_skills)


def card_annotations():
    """What a role card needs to know about provenance, as annotations of the roles query (no extra
    query): how many skills, how many of them cite a published source, whether a published source
    supports the median salary. Read them back with `card_provenance`."""
    return {
        "skill_total": Count("role_skills", distinct=True),
        "published_skills": Count("role_skills", filter=Q(role_skills__sources__is_editorial=False), distinct=True),
        "median_sources": Count(
            "field_sources",
            filter=Q(field_sources__field="median_salary", field_sources__source__is_editorial=False),
            distinct=True,
        ),
    }


def card_provenance(role):
    """(is_sourced, median_cited) of a role annotated with `card_annotations`."""
    sourced = bool(role.skill_total) and role.published_skills >= SOURCED_SHARE * role.skill_total
    return sourced, role.median_sources > 0


def cite(groups, field_sources=()):
    """Number the sources a guide cites and set `item.cites` on every item.

    `groups` are (section title, items) pairs, each item with prefetched `sources`; `field_sources`
    are the role's RoleFieldSource rows. Published sources are numbered first, in the order
    they are first cited, then the editors. Returns ([Cited], {field: [Cited]}).
    """
    cited = {}

    def number(source):
        if source.pk not in cited:
            cited[source.pk] = Cited(0, source)
        return cited[source.pk]

    for _title, items in groups:
        for item in items:
            for source in item.sources.all():
                number(source)
    for row in field_sources:
        number(row.source)
    ordered = sorted(cited.values(), key=lambda c: c.source.is_editorial)  # stable: first-cited order kept
    for position, entry in enumerate(ordered, start=1):
        entry.number = position
    for title, items in groups:
        for item in items:
            item.cites = sorted((cited[s.pk] for s in item.sources.all()), key=lambda c: c.number)
            for entry in item.cites:
                entry.parts[title] += 1
    facts = {}
    for row in field_sources:
        facts.setdefault(row.field, []).append(cited[row.source.pk])
        cited[row.source.pk].parts[row.get_field_display()] += 1
    for field_name in facts:
        facts[field_name].sort(key=lambda c: c.number)
    return ordered, facts
