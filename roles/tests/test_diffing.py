"""roles/diffing.py over plain role-file data: no database."""

from roles.diffing import diff_guides, word_pieces

SECTIONS = {"faqs": "Questions and answers", "companies": "Hiring companies"}
WEIGHTS = {"required": 1.0, "differentiating": 0.5}


def guide(**changes):
    data = {
        "slug": "wrangler",
        "title": "Data Wrangler",
        "summary": "Wrangles data.",
        "skills": [
            {"slug": "sql", "name": "SQL", "kind": "required", "target": 3},
            {"slug": "python", "name": "Python", "kind": "required", "target": 4, "weight": 2},
            {"slug": "dbt", "name": "dbt", "kind": "differentiating", "target": 2},
        ],
        "faqs": [{"question": "Is SQL enough?", "answer": "No.", "editor_note": "merged from two FAQs"}],
        "companies": ["Acme"],
    }
    return data | changes


def diff(old, new, **kw):
    return diff_guides(old, new, sections=SECTIONS, default_weights=WEIGHTS, **kw)


def test_the_same_guide_has_no_changes():
    assert diff(guide(), guide()).is_empty


def test_skills_added_removed_retargeted_reweighted_and_moved_between_kinds():
    old = guide()
    new = guide(
        skills=[
            {"slug": "sql", "name": "SQL", "kind": "differentiating", "target": 5},
            {"slug": "python", "name": "Python", "kind": "required", "target": 4},
            {"slug": "spark", "name": "Spark", "kind": "required", "target": 3},
        ]
    )
    d = diff(old, new)
    assert [(s.name, s.kind, s.target) for s in d.added] == [("Spark", "required", 3)]
    assert [s.name for s in d.removed] == ["dbt"]
    assert [(s.name, s.old, s.new) for s in d.retargeted] == [("SQL", 3, 5)]
    assert [(s.name, s.old, s.new) for s in d.reweighted] == [("SQL", "1", "0.5"), ("Python", "2", "1")]
    assert [(s.name, s.old, s.new) for s in d.rekinded] == [("SQL", "required", "differentiating")]
    assert not d.reordered


def test_a_new_skill_order_is_a_change():
    old = guide()
    new = guide(skills=list(reversed(old["skills"])))
    d = diff(old, new)
    assert d.reordered and not d.added and not d.removed and not d.is_empty


def test_text_changes_are_word_by_word_and_whitespace_is_no_change():
    d = diff(guide(), guide(summary="Wrangles  messy\r\ndata."))
    assert [(t.label, t.pieces) for t in d.fields] == [
        ("Summary", (("same", "Wrangles "), ("ins", "messy"), ("same", " "), ("same", "data. ")))
    ]
    assert diff(guide(), guide(summary="Wrangles\r\n data.")).is_empty


def test_section_entries_added_removed_and_edited_by_their_name():
    new = guide(
        faqs=[{"question": "Is SQL enough?", "answer": "Rarely.", "editor_note": "merged from two FAQs"}],
        companies=["Globex"],
    )
    d = diff(guide(), new)
    faqs, companies = d.sections
    assert (faqs.title, faqs.added, faqs.removed) == ("Questions and answers", (), ())
    assert [(name, [t.label for t in texts]) for name, texts in faqs.edited] == [("Is SQL enough?", ["Answer"])]
    assert (companies.added, companies.removed) == (("Globex",), ("Acme",))


def test_editor_notes_are_left_out_unless_editors_read():
    new = guide(faqs=[{"question": "Is SQL enough?", "answer": "No.", "editor_note": "a secret decision"}])
    assert diff(guide(), new).is_empty
    (faqs,) = diff(guide(), new, editors=True).sections
    assert faqs.edited[0][1][0].label == "Editor note"


def test_word_pieces_mark_deleted_and_inserted_words():
    assert word_pieces("a b c", "a x c") == (
        ("same", "a "),
        ("del", "b"),
        ("same", " "),
        ("ins", "x"),
        ("same", " "),
        ("same", "c "),
    )
