"""Role guides: everything the seed career documents say about a role, as data."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import alignments, revision
from .levels import Level


class ContentQuerySet(models.QuerySet):
    """Role content's queryset. Saves and deletes move the content revision through model signals
    (roles/apps.py); bulk writes send no signals, so they move it here: `update` (which
    `bulk_update` and admin drag-ordering use) and `bulk_create`. Every content model uses it
    (through ContentModel), so no ORM path leaves a cached page stale; the stale-page tests
    (careerpath/tests/test_stale_pages.py) write each content model every way to prove it."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            revision.bump()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            revision.bump()
        return created


validate_currency = RegexValidator(
    r"\A[A-Z]{3}\Z", "%(value)r is not a 3-letter currency code such as USD", code="currency"
)


class ContentModel(models.Model):
    """Base of every role-content model (roles/registry.py lists them)."""

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True


class Family(ContentModel):
    """A role family or track, e.g. "Applied AI · ML Engineering"."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self):
        return self.name


class Source(ContentModel):
    """Where a fact of a role guide comes from: a published guide, or the careerpath editors.

    `key` is what role files cite (`sources: [decipheru]`); readers see the title, publisher and
    short name, never the key. `notes` are shown to readers in the guide's Sources section."""

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    short_name = models.CharField(max_length=60, help_text='How a citation names it, e.g. "DecipherU".')
    publisher = models.CharField(max_length=160, blank=True, help_text="Blank when the source names none.")
    url = models.URLField(max_length=500, blank=True)
    date_reviewed = models.DateField(null=True, blank=True, help_text="The date the source says it was reviewed.")
    notes = models.TextField(blank=True, help_text="What readers should know about it (shown on guides).")
    is_editorial = models.BooleanField(
        default=False, help_text="Written by careerpath editors rather than taken from a published source."
    )

    class Meta:
        ordering = ["is_editorial", "title"]

    def __str__(self):
        return self.short_name or self.title


class RoleQuerySet(ContentQuerySet):
    def published(self):
        """What a visitor may see."""
        return self.filter(is_published=True)

    def guides(self):
        """Role guides, without the drafts of published ones (those are seen through the admin's
        preview, never as a guide of their own)."""
        return self.filter(draft_of__isnull=True)

    def visible_to(self, user):
        """Staff preview unpublished roles; everyone else sees published ones. Nobody meets a draft
        revision of a published role here (docs/editing.md)."""
        if user.is_authenticated and user.is_staff:
            return self.guides()
        return self.published()


class Role(ContentModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="roles")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(max_length=300, help_text="One line shown in lists.")
    about = models.TextField(blank=True)
    median_salary = models.PositiveIntegerField(null=True, blank=True, help_text="Whole units of the currency.")
    salary_currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    salary_note = models.TextField(blank=True, help_text="Caveats and anchors for the salary figures.")
    growth_outlook = models.CharField(max_length=40, blank=True, help_text='For example "high".')
    growth_trend = models.TextField(blank=True, help_text="Demand in words.")
    is_entry_level = models.BooleanField("entry-level", default=False)
    ai_impact_score = models.PositiveSmallIntegerField(
        "AI impact score", null=True, blank=True, help_text="0 (none) to 100 (transformed)."
    )
    ai_impact_label = models.CharField("AI impact label", max_length=40, blank=True)
    ai_impact_outlook = models.TextField("AI impact outlook", blank=True)
    methodology = models.TextField(blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    editor_note = models.TextField(
        blank=True, help_text="For editors only: how the guide was merged and edited. Never shown to readers."
    )
    is_published = models.BooleanField("published", default=False)
    is_featured = models.BooleanField(
        "featured", default=False, help_text="A flagship guide: shown first on the home page, before the others."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    import_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="A hash of the role file last imported (roles/importing)."
    )
    draft_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="draft",
        editable=False,
        help_text="The published role this is the draft of: edits wait here until someone publishes them.",
    )

    skills = models.ManyToManyField("Skill", through="RoleSkill", related_name="roles")
    courses = models.ManyToManyField("Course", through="RoleCourse", related_name="roles")
    certifications = models.ManyToManyField("Certification", through="RoleCertification", related_name="roles")

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ai_impact_score__isnull=True) | Q(ai_impact_score__lte=100),
                name="role_ai_impact_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(is_published=False), name="role_draft_is_unpublished"
            ),
        ]
        permissions = [("publish_role", "Can publish role guides, unpublish them and roll them back")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roles:detail", kwargs={"slug": self.slug})


class SkillQuerySet(ContentQuerySet):
    def with_offered(self):
        """Each skill with `is_offered`: whether a published role uses it."""
        used = RoleSkill.objects.filter(skill_id=models.OuterRef("pk"), role__is_published=True)
        return self.annotate(is_offered=models.Exists(used))

    def visible_to(self, user):
        """Staff preview every skill; everyone else sees those a published role uses (a skill of
        unpublished roles only, or of none, is not public: its name may be a draft's)."""
        skills = self.with_offered()
        if user.is_authenticated and user.is_staff:
            return skills
        return skills.filter(is_offered=True)


class Skill(ContentModel):
    """A skill shared across roles, with optional descriptors of what each level looks like."""

    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    category = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    descriptor_1 = models.TextField("level 1 (Awareness) looks like", blank=True)
    descriptor_2 = models.TextField("level 2 (Beginner) looks like", blank=True)
    descriptor_3 = models.TextField("level 3 (Practitioner) looks like", blank=True)
    descriptor_4 = models.TextField("level 4 (Advanced) looks like", blank=True)
    descriptor_5 = models.TextField("level 5 (Expert) looks like", blank=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("roles:skill", kwargs={"slug": self.slug})

    def descriptor(self, level):
        """This skill's own words for a level (1-5), or "" when it has none."""
        if level is None or not 1 <= int(level) <= 5:
            return ""
        return getattr(self, f"descriptor_{int(level)}")

    @property
    def descriptors(self):
        """{level: text} for the levels that have a descriptor."""
        return {lvl: self.descriptor(lvl) for lvl in range(1, 6) if self.descriptor(lvl)}


class SkillAlignment(ContentModel):
    """The same skill in a shared framework: an ESCO skill URI, an O*NET element ID, or another
    framework's code or URI. Shapes are checked (roles/alignments.py); nothing is ever fetched."""

    class Framework(models.TextChoices):
        ESCO = "esco", "ESCO"
        ONET = "onet", "O*NET"
        OTHER = "other", "Other"

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="alignments")
    framework = models.CharField(max_length=10, choices=Framework.choices)
    framework_name = models.CharField(max_length=80, blank=True, help_text="Another framework's name.")
    code = models.CharField(max_length=80, blank=True, help_text="O*NET: the element ID, such as 2.B.3.e.")
    uri = models.URLField("URI", max_length=300, blank=True, help_text="ESCO: the skill's concept URI.")
    source = models.ForeignKey(
        "Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alignments",
        help_text="Who says the match is exact (readers see it).",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["skill", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(code="") | ~Q(uri=""), name="skillalignment_code_or_uri"),
            models.UniqueConstraint(fields=["skill", "framework", "code", "uri"], name="skillalignment_once"),
        ]

    def __str__(self):
        return f"{self.skill} in {self.framework_label}: {self.code or self.uri}"

    def clean(self):
        found = alignments.problems(self.framework, name=self.framework_name, code=self.code, uri=self.uri)
        if found:
            raise ValidationError(found)

    @property
    def framework_label(self):
        return self.framework_name if self.framework == self.Framework.OTHER else self.get_framework_display()


EDITOR_NOTE_HELP = "For editors only (merge and editing decisions). Never shown to readers."


class SkillKind(models.TextChoices):
    REQUIRED = "required", "Required"
    DIFFERENTIATING = "differentiating", "Differentiating"


DEFAULT_WEIGHTS = {SkillKind.REQUIRED: Decimal("1.0"), SkillKind.DIFFERENTIATING: Decimal("0.5")}


class RoleSkill(ContentModel):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="role_skills")
    kind = models.CharField(max_length=20, choices=SkillKind.choices, default=SkillKind.REQUIRED)
    target = models.PositiveSmallIntegerField(
        choices=[(lvl.value, f"{lvl.value} — {lvl.label}") for lvl in Level if lvl.value >= 1],
        default=Level.PRACTITIONER,
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Positive; blank means the default (1.0 required, 0.5 differentiating).",
    )
    commonly_missing = models.BooleanField(
        default=False, help_text='A source lists it among the skills commonly missing ("often missing").'
    )
    primary = models.BooleanField(
        default=False,
        help_text='A transition path into this role names it as the main gap ("the primary gap is ..."); '
        "cite that path's source as the role's source for “Primary skills”. Reports put primary gaps first "
        "after the required ones.",
    )
    note = models.TextField(blank=True, help_text="What this role needs of the skill, for readers.")
    editor_note = models.TextField(blank=True, help_text=EDITOR_NOTE_HELP)
    sources = models.ManyToManyField(Source, blank=True, related_name="role_skills")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["role", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="roleskill_skill_once_per_role"),
            models.CheckConstraint(condition=Q(target__gte=1, target__lte=5), name="roleskill_target_1_5"),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0), name="roleskill_weight_positive"
            ),
        ]

    def __str__(self):
        return f"{self.skill} ({self.get_kind_display()}, target {self.target})"

    def save(self, *args, **kwargs):
        if self.weight is None:
            self.weight = DEFAULT_WEIGHTS[SkillKind(self.kind)]
        super().save(*args, **kwargs)

    @property
    def effective_weight(self):
        return self.weight if self.weight is not None else DEFAULT_WEIGHTS[SkillKind(self.kind)]


class RoleItem(ContentModel):
    """Base for the ordered sections of a guide: `sources` say where the item comes from (readers see
    them as citations); `editor_note` is for editors only."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="%(class)s_items")
    editor_note = models.TextField(blank=True, help_text=EDITOR_NOTE_HELP)

    class Meta:
        abstract = True
        ordering = ["role", "order", "id"]


class Responsibility(RoleItem):
    class Section(models.TextChoices):
        KEY = "key", "Key responsibilities"
        DOES = "does", "What this role actually does"
        WEEK = "week", "An average week"

    section = models.CharField(max_length=10, choices=Section.choices, default=Section.KEY)
    text = models.TextField()

    class Meta(RoleItem.Meta):
        default_related_name = "responsibilities"
        verbose_name_plural = "responsibilities"

    def __str__(self):
        return self.text[:80]


class DevelopmentSuggestion(RoleItem):
    skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text="Leave blank for general advice.",
    )
    text = models.TextField()

    class Meta(RoleItem.Meta):
        default_related_name = "suggestions"

    def __str__(self):
        return self.text[:80]


class NextStep(RoleItem):
    text = models.TextField()

    class Meta(RoleItem.Meta):
        default_related_name = "next_steps"

    def __str__(self):
        return self.text[:80]


class CareerMove(RoleItem):
    class Kind(models.TextChoices):
        LEADS_TO = "leads_to", "Can lead to"
        TRANSITION = "transition", "Transition opportunity"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.LEADS_TO)
    to_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="incoming_moves")
    note = models.TextField(blank=True)

    class Meta(RoleItem.Meta):
        default_related_name = "career_moves"
        constraints = [
            models.UniqueConstraint(fields=["role", "kind", "to_role"], name="careermove_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.role} → {self.to_role} ({self.get_kind_display()})"


class LadderLevel(RoleItem):
    title = models.CharField(max_length=160)
    years = models.CharField(max_length=40, blank=True, help_text='For example "5-8 yrs".')
    description = models.TextField(blank=True)
    rung_role = models.ForeignKey(
        Role,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The role guide for this rung, if there is one.",
    )

    class Meta(RoleItem.Meta):
        default_related_name = "ladder_levels"

    def __str__(self):
        return self.title


class TransitionPath(RoleItem):
    """How people move into this role from another."""

    from_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="outgoing_paths")
    typical_months = models.PositiveSmallIntegerField(null=True, blank=True)
    gap = models.TextField(help_text="What is usually missing, and how to build it.")

    class Meta(RoleItem.Meta):
        default_related_name = "transition_paths"
        constraints = [
            models.UniqueConstraint(fields=["role", "from_role"], name="transitionpath_once_per_from_role"),
        ]

    def __str__(self):
        return f"{self.from_role} → {self.role}"


class TransitionArtifact(ContentModel):
    path = models.ForeignKey(TransitionPath, on_delete=models.CASCADE, related_name="artifacts")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path", "order", "id"]

    def __str__(self):
        return self.text[:80]


class SalaryBand(RoleItem):
    level = models.CharField(max_length=160)
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    notes = models.TextField(blank=True)

    class Meta(RoleItem.Meta):
        default_related_name = "salary_bands"
        constraints = [
            models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="salaryband_low_lte_high"),
        ]

    def __str__(self):
        return f"{self.level}: {self.currency} {self.low:,}–{self.high:,}"


TYPICAL_LENGTH_HELP = (
    "Only as its publisher states it, in the publisher's words (“9 lessons of about 90 minutes”) or as a count "
    "of its own table of contents (“14 chapters”); never hours we estimate. Needs a length source."
)
LENGTH_SOURCE_HELP = (
    "Where the publisher states the length: its own page, or the file in its own repository "
    "(a GitHub link pinned to a commit)."
)


class OfferingFormat(models.TextChoices):
    COURSE = "course", "Course"
    BOOK = "book", "Book"
    GUIDE = "guide", "Guide or documentation"
    CERTIFICATION = "certification", "Certification"


class OfferingCost(models.TextChoices):
    FREE = "free", "Free"
    PAID = "paid", "Paid"
    UNKNOWN = "unknown", "Cost unknown"


class Course(ContentModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    provider = models.CharField("provider / author", max_length=160, blank=True)
    url = models.URLField(max_length=500, blank=True)
    format = models.CharField(max_length=16, choices=OfferingFormat.choices, default=OfferingFormat.COURSE)
    cost = models.CharField(max_length=10, choices=OfferingCost.choices, default=OfferingCost.UNKNOWN)
    typical_length = models.CharField(max_length=80, blank=True, help_text=TYPICAL_LENGTH_HELP)
    length_source = models.URLField(max_length=500, blank=True, help_text=LENGTH_SOURCE_HELP)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, through="CourseSkill", blank=True, related_name="courses")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Certification(ContentModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    issuer = models.CharField(max_length=160, blank=True)
    url = models.URLField(max_length=500, blank=True)
    format = models.CharField(max_length=16, choices=OfferingFormat.choices, default=OfferingFormat.CERTIFICATION)
    cost = models.CharField(max_length=10, choices=OfferingCost.choices, default=OfferingCost.UNKNOWN)
    typical_length = models.CharField(max_length=80, blank=True, help_text=TYPICAL_LENGTH_HELP)
    length_source = models.URLField(max_length=500, blank=True, help_text=LENGTH_SOURCE_HELP)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, through="CertificationSkill", blank=True, related_name="certifications")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


OFFERING_LEVEL_CHOICES = [(lvl.value, f"{lvl.value} — {lvl.label}") for lvl in Level if lvl.value >= 1]


class CourseSkill(ContentModel):
    """A skill a course teaches, and the level (1-5) someone who completes it reaches."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="course_links")
    level = models.PositiveSmallIntegerField(
        choices=OFFERING_LEVEL_CHOICES, help_text="The level a learner who completes the course reaches."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "skill"], name="courseskill_skill_once_per_course"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="courseskill_level_1_5"),
        ]

    def __str__(self):
        return f"{self.course} teaches {self.skill} to level {self.level}"


class CertificationSkill(ContentModel):
    """A skill a certification covers, and the level (1-5) its holder has shown."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="certification_links")
    level = models.PositiveSmallIntegerField(
        choices=OFFERING_LEVEL_CHOICES, help_text="The level a holder of the certification has shown."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["certification", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "skill"], name="certificationskill_skill_once_per_certification"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="certificationskill_level_1_5"),
        ]

    def __str__(self):
        return f"{self.certification} covers {self.skill} to level {self.level}"


class RoleCourse(ContentModel):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_courses")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="role_courses")
    sources = models.ManyToManyField(Source, blank=True, related_name="role_courses")
    editor_note = models.TextField(blank=True, help_text=EDITOR_NOTE_HELP)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["role", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["role", "course"], name="rolecourse_once_per_role")]

    def __str__(self):
        return f"{self.course} for {self.role}"


class RoleCertification(ContentModel):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_certifications")
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="role_certifications")
    sources = models.ManyToManyField(Source, blank=True, related_name="role_certifications")
    editor_note = models.TextField(blank=True, help_text=EDITOR_NOTE_HELP)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["role", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role", "certification"], name="rolecertification_once_per_role")
        ]

    def __str__(self):
        return f"{self.certification} for {self.role}"


class HiringCompany(RoleItem):
    name = models.CharField(max_length=160)

    class Meta(RoleItem.Meta):
        default_related_name = "hiring_companies"
        verbose_name_plural = "hiring companies"

    def __str__(self):
        return self.name


class IndustrySector(RoleItem):
    name = models.CharField(max_length=160)

    class Meta(RoleItem.Meta):
        default_related_name = "industry_sectors"

    def __str__(self):
        return self.name


class FAQ(RoleItem):
    question = models.CharField(max_length=300)
    answer = models.TextField()

    class Meta(RoleItem.Meta):
        default_related_name = "faqs"
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self):
        return self.question


class RoleFieldSource(ContentModel):
    """A source for one of the role's own facts (the header and the prose sections)."""

    class Field(models.TextChoices):
        SUMMARY = "summary", "Summary"
        ABOUT = "about", "About the role"
        MEDIAN_SALARY = "median_salary", "Median salary"
        SALARY_NOTE = "salary_note", "Salary note"
        GROWTH = "growth", "Growth outlook and trend"
        ENTRY_LEVEL = "entry_level", "Entry-level"
        AI_IMPACT = "ai_impact", "AI impact"
        PRIMARY_SKILLS = "primary_skills", "Primary skills"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="field_sources")
    field = models.CharField(max_length=20, choices=Field.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="role_fields")

    class Meta:
        ordering = ["role", "field", "source__key"]
        constraints = [
            models.UniqueConstraint(fields=["role", "field", "source"], name="rolefieldsource_once_per_field")
        ]

    def __str__(self):
        return f"{self.role}: {self.get_field_display()} from {self.source}"


class RoleRevision(ContentModel):
    """A published revision of a role guide: the guide in the role-file format, who published it
    and when. Kept for ever; a rollback publishes an older one again as a new revision."""

    guide = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField(help_text="The guide as published, in the role-file format (docs/role-format.md).")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True, help_text='For example "Rolled back to revision 2".')

    class Meta:
        ordering = ["guide", "-number"]
        constraints = [models.UniqueConstraint(fields=["guide", "number"], name="rolerevision_number_once_per_role")]

    def __str__(self):
        return f"{self.guide} revision {self.number}"


class ContentRevision(models.Model):
    """One row whose number goes up whenever role content changes (admin, import, seeding).

    Caches of pages and computations derived from role content include the number in their key,
    so every process sees a change at once, whatever cache backend it uses.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "content revision"

    def __str__(self):
        return f"Role content revision {self.number}"
