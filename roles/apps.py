from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Role guides"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import registry, revision

        revision.declare()
        for model in registry.CONTENT_MODELS:
            post_save.connect(revision.bump, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
            post_delete.connect(revision.bump, sender=model, dispatch_uid=f"revision-delete-{model.__name__}")
        for through in registry.M2M_THROUGH:
            m2m_changed.connect(revision.bump, sender=through, dispatch_uid=f"revision-m2m-{through.__name__}")
