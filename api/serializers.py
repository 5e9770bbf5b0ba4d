"""What the API's endpoints answer with. Public role content only: editor notes never appear."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from roles.levels import Level

from .selectors import cited_sources


class FamilySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()
    short_name = serializers.CharField()
    publisher = serializers.CharField()
    url = serializers.URLField()
    date_reviewed = serializers.DateField(allow_null=True)


class DescriptorSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=5)
    name = serializers.CharField()
    text = serializers.CharField()


@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "Keys of the sources cited."})
class SourceKeys(serializers.Field):
    """The keys of a row's sources (prefetched), for the full entries in the guide's `sources`."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return [source.key for source in value.all()]


def descriptors_of(skill):
    return [{"level": lvl, "name": Level(lvl).label, "text": text} for lvl, text in skill.descriptors.items()]


class RoleSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    family = FamilySerializer()
    is_entry_level = serializers.BooleanField()
    web_url = serializers.SerializerMethodField()

    def get_web_url(self, obj) -> str:
        return obj.get_absolute_url()


class RoleSkillSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    category = serializers.CharField(source="skill.category")
    kind = serializers.ChoiceField(choices=["required", "differentiating"])
    target = serializers.IntegerField(min_value=1, max_value=5)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, source="effective_weight", coerce_to_string=False)
    commonly_missing = serializers.BooleanField()
    note = serializers.CharField()
    level_descriptors = serializers.SerializerMethodField()
    sources = SourceKeys()

    @extend_schema_field(DescriptorSerializer(many=True))
    def get_level_descriptors(self, obj):
        return descriptors_of(obj.skill)


class OfferingSkillSerializer(serializers.Serializer):
    skill = serializers.SlugField(source="skill.slug")
    level = serializers.IntegerField(min_value=1, max_value=5, help_text="The level the offering brings one to.")


class CourseSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="course.slug")
    title = serializers.CharField(source="course.title")
    provider = serializers.CharField(source="course.provider")
    url = serializers.CharField(source="course.url")
    format = serializers.CharField(source="course.format")
    cost = serializers.CharField(source="course.cost")
    typical_length = serializers.CharField(source="course.typical_length")
    length_source = serializers.CharField(source="course.length_source")
    skills = OfferingSkillSerializer(source="course.skill_links.all", many=True)
    sources = SourceKeys()


class CertificationSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="certification.slug")
    title = serializers.CharField(source="certification.name")
    provider = serializers.CharField(source="certification.issuer")
    url = serializers.CharField(source="certification.url")
    format = serializers.CharField(source="certification.format")
    cost = serializers.CharField(source="certification.cost")
    typical_length = serializers.CharField(source="certification.typical_length")
    length_source = serializers.CharField(source="certification.length_source")
    skills = OfferingSkillSerializer(source="certification.skill_links.all", many=True)
    sources = SourceKeys()


class RoleDetailSerializer(RoleSerializer):
    about = serializers.CharField()
    skills = RoleSkillSerializer(source="role_skills.all", many=True)
    courses = CourseSerializer(source="role_courses.all", many=True)
    certifications = CertificationSerializer(source="role_certifications.all", many=True)
    sources = serializers.SerializerMethodField(help_text="Every source the guide cites; `sources` elsewhere are keys.")

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, obj):
        return SourceSerializer(cited_sources(obj), many=True).data


class SkillSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    category = serializers.CharField()
    web_url = serializers.SerializerMethodField()

    def get_web_url(self, obj) -> str:
        return obj.get_absolute_url()


class SkillRoleSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="role.slug")
    title = serializers.CharField(source="role.title")
    kind = serializers.CharField()
    target = serializers.IntegerField()


class SkillDetailSerializer(SkillSerializer):
    description = serializers.CharField()
    level_descriptors = serializers.SerializerMethodField()
    roles = SkillRoleSerializer(source="role_skills.all", many=True)

    @extend_schema_field(DescriptorSerializer(many=True))
    def get_level_descriptors(self, obj):
        return descriptors_of(obj)


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="not_found, invalid, not_authenticated, authentication_failed, ...")
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ANY_OBJECT = OpenApiTypes.OBJECT


class RoleRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = RoleRefSerializer()
    status = serializers.ChoiceField(choices=["draft", "submitted"])
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    report_url = serializers.SerializerMethodField(help_text="The report in report.json's shape; null for a draft.")

    def get_report_url(self, obj) -> str | None:
        return f"/api/v1/me/assessments/{obj.pk}/report/" if obj.submitted_at and obj.status == "submitted" else None


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    skill = serializers.SlugField(source="skill.slug")
    skill_name = serializers.CharField()
    current_level = serializers.IntegerField()
    target_level = serializers.IntegerField()
    action = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)
    notes = serializers.CharField()
    status = serializers.ChoiceField(choices=["not_started", "in_progress", "done"])


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = RoleRefSerializer()
    assessment = serializers.IntegerField(source="assessment_id", help_text="The report the plan follows.")
    items = PlanItemSerializer(source="items.all", many=True)


class PlanItemUpdateSerializer(serializers.Serializer):
    """Send either or both; anything else is refused."""

    status = serializers.ChoiceField(choices=["not_started", "in_progress", "done"], required=False)
    action = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Your own action, or a recommendation."
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Not a field you can change here."] for name in unknown})
            if not data:
                raise serializers.ValidationError({"non_field": ["Send status, action or both."]})
        return super().to_internal_value(data)


class ManagedTeamSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="team.slug")
    name = serializers.CharField(source="team.name")
    my_role = serializers.ChoiceField(source="role", choices=["owner", "manager"])
    roles = serializers.SerializerMethodField(help_text="The roles assigned to the team.")

    @extend_schema_field(RoleRefSerializer(many=True))
    def get_roles(self, obj):
        roles = {a.role.slug: a.role for a in obj.team.assignments.all() if a.role.is_published}
        return [{"slug": r.slug, "title": r.title} for _slug, r in sorted(roles.items())]


class CycleProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    closes_on = serializers.DateField()
    submitted = serializers.IntegerField()
    people = serializers.IntegerField()


class CompletionEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    done = serializers.BooleanField()


class CompletionSerializer(serializers.Serializer):
    role = RoleRefSerializer()
    cycle = CycleProgressSerializer(allow_null=True, help_text="The open review cycle, or null.")
    completion = CompletionEntrySerializer(many=True)
    assigned = serializers.IntegerField(help_text="Members assigned the role.")
