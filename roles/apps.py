from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Role guides"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import models, revision

        content_models = [
            models.Family,
            models.Role,
            models.Skill,
            models.RoleSkill,
            models.Responsibility,
            models.DevelopmentSuggestion,
            models.NextStep,
            models.CareerMove,
            models.LadderLevel,
            models.TransitionPath,
            models.TransitionArtifact,
            models.SalaryBand,
            models.Course,
            models.Certification,
            models.CourseSkill,
            models.CertificationSkill,
            models.RoleCourse,
            models.RoleCertification,
            models.HiringCompany,
            models.IndustrySector,
            models.FAQ,
            models.Source,
            models.RoleFieldSource,
        ]
        for model in content_models:
            post_save.connect(revision.bump, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
            post_delete.connect(revision.bump, sender=model, dispatch_uid=f"revision-delete-{model.__name__}")
        cited = [model for model in content_models if "sources" in {f.name for f in model._meta.many_to_many}]
        for through in (
            models.Course.skills.through,
            models.Certification.skills.through,
            *(model.sources.through for model in cited),  # citations edited in admin move the revision too
        ):
            m2m_changed.connect(revision.bump, sender=through, dispatch_uid=f"revision-m2m-{through.__name__}")
