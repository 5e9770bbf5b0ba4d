"""The sources every installation ships with, and the one place that makes sure they exist.

Role files cite sources by key (`sources: [decipheru]`). The ones below are created by a data
migration and again, if missing, before every import (a test database flushed between tests, a
deployment that deleted one), so a shipped key is never "unknown". Editors may add others in admin.
"""

import datetime

EDITORS = "careerpath-editors"

SHIPPED = [
    {
        "key": "career-guide",
        "title": "Senior Machine Learning Engineer Career Guide",
        "short_name": "Career Guide",
        "publisher": "",
        "url": "",
        "date_reviewed": None,
        "notes": (
            "A short career guide for the Senior Machine Learning Engineer role. It names no publisher, "
            "no date and no sources of its own."
        ),
        "is_editorial": False,
    },
    {
        "key": "decipheru",
        "title": "Senior ML Engineer",
        "short_name": "DecipherU",
        "publisher": "DecipherU",
        "url": "",
        "date_reviewed": datetime.date(2026, 4, 26),
        "notes": (
            "DecipherU's guide to the Senior ML Engineer role (track “Applied AI · ML Engineering”). "
            "It cites the Bureau of Labor Statistics Occupational Employment and Wage Statistics (May 2024), "
            "O*NET OnLine 28.0, the Stanford HAI AI Index Report and the NIST AI Risk Management Framework, "
            "and anchors its salary bands on Levels.fyi 2025-2026 and Glassdoor public ranges. It says its list "
            "of hiring companies is compiled from publicly available job postings, and that it is not affiliated "
            "with the companies listed."
        ),
        "is_editorial": False,
    },
    {
        "key": "publisher-pages",
        "title": "Each resource's own page",
        "short_name": "Publisher's page",
        "publisher": "",
        "url": "",
        "date_reviewed": None,
        "notes": (
            "The provider, format and cost of a course, book, guide or certification are as its publisher states "
            "them on its own page, linked from its title; a typical length is as its publisher states it, linked "
            "to where it says so. Which skills it teaches, and to what level, is our editors' judgment."
        ),
        "is_editorial": False,
    },
    {
        "key": "esco-v1-2",
        "title": "ESCO classification, version 1.2.0",
        "short_name": "ESCO v1.2.0",
        "publisher": "European Commission",
        "url": "https://esco.ec.europa.eu/en/use-esco/download",
        "date_reviewed": None,
        "notes": (
            "The European Skills, Competences, Qualifications and Occupations classification, as published by "
            "the European Commission in its v1.2.0 dataset (the digital skills collection). A skill is aligned "
            "to an ESCO concept only where the concept's preferred or alternative label names the same skill "
            "and its description covers what ours does."
        ),
        "is_editorial": False,
    },
    {
        "key": EDITORS,
        "title": "careerpath editors",
        "short_name": "careerpath editors",
        "publisher": "",
        "url": "",
        "date_reviewed": None,
        "notes": (
            "Written by careerpath's editors from general knowledge of the field, not taken from a published "
            "source. It carries no salary figures, durations or scores."
        ),
        "is_editorial": True,
    },
]


def ensure_shipped(source_model):
    """Create any shipped source that is missing (existing ones are left as editors keep them)."""
    present = set(source_model.objects.filter(key__in=[s["key"] for s in SHIPPED]).values_list("key", flat=True))
    missing = [source_model(**values) for values in SHIPPED if values["key"] not in present]
    if missing:
        source_model.objects.bulk_create(missing)
    return bool(missing)
