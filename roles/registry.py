"""Role content, listed once.

Everything else derives from these lists: the content revision's signals (roles/apps.py), the role
admin page's inlines (roles/admin.py), what "duplicate role" copies (roles/services.py), and the
checks that the importer and exporter cover every section (roles/tests/test_registry.py compares
all of this with `apps.get_models()`).
"""

from . import models as m

# Rows that belong to one role (a `role` foreign key), in the order the admin's role page shows them.
ROLE_ROWS = (
    m.RoleSkill,
    m.Responsibility,
    m.SalaryBand,
    m.TransitionPath,
    m.FAQ,
    m.DevelopmentSuggestion,
    m.NextStep,
    m.CareerMove,
    m.LadderLevel,
    m.RoleCourse,
    m.RoleCertification,
    m.HiringCompany,
    m.IndustrySector,
    m.RoleFieldSource,
)

# Rows that belong to a role row, by parent: copied and deleted with it.
CHILD_ROWS = {m.TransitionPath: (m.TransitionArtifact,)}

# Content shared between roles.
SHARED = (m.Family, m.Role, m.Skill, m.Course, m.Certification, m.CourseSkill, m.CertificationSkill, m.Source)

# Many-to-many tables of role content (they send m2m_changed, not save/delete).
# Citations (`sources`) edited on their own in admin move the revision too.
M2M_THROUGH = (
    m.Course.skills.through,
    m.Certification.skills.through,
    *(
        model.sources.through
        for model in (*ROLE_ROWS, *SHARED)
        if "sources" in {f.name for f in model._meta.many_to_many}
    ),
)

# Every model whose change changes what a role page shows: a change moves the content revision.
CONTENT_MODELS = SHARED + ROLE_ROWS + tuple(child for children in CHILD_ROWS.values() for child in children)

# Models of the roles app that are not content.
NOT_CONTENT = (m.ContentRevision,)
