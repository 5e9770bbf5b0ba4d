"""The admin's editorial pages for a role (docs/editing.md): start a draft of a published guide,
preview a draft exactly as the public will see it, compare it with the published guide, publish
it, and list, compare and roll back the guide's published revisions.

"change" (`roles.change_role`) edits drafts; publishing, unpublishing and rolling back need the
separate "publish" permission (`roles.publish_role`). RoleAdmin.get_urls mounts these pages.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .importing import RoleFileError
from .models import Role, RoleRevision
from .views import guide_sections, role_guide_of

PUBLISH = "roles.publish_role"


def can_publish(user):
    return user.has_perm(PUBLISH)


class EditorialPages:
    """The pages, bound to the role admin (for its permissions and the admin's page context)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.site = model_admin.admin_site

    def urls(self):
        view = self.site.admin_view
        return [
            path("<path:object_id>/draft/", view(self.draft), name="roles_role_draft"),
            path("<path:object_id>/preview/", view(self.preview), name="roles_role_preview"),
            path("<path:object_id>/compare/", view(self.compare), name="roles_role_compare"),
            path("<path:object_id>/publish/", view(self.publish), name="roles_role_publish"),
            path("<path:object_id>/revisions/", view(self.revisions), name="roles_role_revisions"),
            path("<path:object_id>/revisions/<int:number>/", view(self.revision), name="roles_role_revision"),
            path(
                "<path:object_id>/revisions/<int:number>/rollback/",
                view(self.rollback),
                name="roles_role_rollback",
            ),
        ]

    # --- helpers ---------------------------------------------------------------------------------

    def _role(self, request, object_id, *, change=False):
        role = get_object_or_404(Role.objects.select_related("draft_of", "family"), pk=_pk(object_id))
        allowed = (
            self.model_admin.has_change_permission(request, None)
            if change
            else self.model_admin.has_view_or_change_permission(request, None)
        )
        if not allowed:
            raise PermissionDenied
        return role

    def _render(self, request, template, role, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.site.each_context(request),
                "opts": Role._meta,
                "original": role,
                "role": role,
                "can_publish": can_publish(request.user),
                **context,
            },
        )

    # --- the pages -------------------------------------------------------------------------------

    @method_decorator(require_http_methods(["GET", "POST"]))
    def draft(self, request, object_id):
        """GET: what a draft is, and a button to start one (or on to the one that exists); POST: start it."""
        guide = self._role(request, object_id, change=True)
        existing = Role.objects.filter(draft_of=guide).first()
        if existing is not None:
            return redirect("admin:roles_role_change", existing.pk)
        if request.method == "POST":
            try:
                draft = services.start_draft(role=guide)
            except services.EditorialError as error:
                messages.error(request, str(error))
                return redirect("admin:roles_role_change", guide.pk)
            messages.success(
                request, f"Started a draft of “{guide}”. The public guide stays as it is until the draft is published."
            )
            return redirect("admin:roles_role_change", draft.pk)
        return self._render(request, "admin/roles/role/draft.html", guide, title=f"Edit “{guide}” in a draft")

    @method_decorator(require_safe)
    def preview(self, request, object_id):
        """The role exactly as the public will see it once published (a draft: its guide's address)."""
        role = self._role(request, object_id)
        shown = role_guide_of(Role.objects.filter(pk=role.pk), AnonymousUser())
        if role.draft_of_id:
            shown.slug = role.draft_of.slug  # its links and forms are the guide's
        shown.is_published = True  # as it will be: no "unpublished" notice
        context = {"role": shown, **guide_sections(shown), "preview_of": role}
        return render(request, "roles/role_detail.html", context)

    @method_decorator(require_safe)
    def compare(self, request, object_id):
        """What publishing a draft would change in its guide."""
        draft = self._role(request, object_id)
        if draft.draft_of_id is None:
            raise Http404("Only a draft is compared with its published guide.")
        diff = selectors.draft_diff(draft)
        return self._render(
            request,
            "admin/roles/role/compare.html",
            draft,
            title=f"What the draft changes in “{draft.draft_of}”",
            diff=diff,
            editors=True,
        )

    @method_decorator(require_http_methods(["GET", "POST"]))
    def publish(self, request, object_id):
        """GET: what publishing would change, and the button; POST: publish (the publish permission)."""
        role = self._role(request, object_id)
        if not can_publish(request.user):
            raise PermissionDenied
        if role.draft_of_id is None and role.is_published:
            messages.info(request, f"“{role}” is published; edit it in a draft.")
            return redirect("admin:roles_role_change", role.pk)
        if request.method == "POST":
            try:
                revision = services.publish(role=role, by=request.user)
            except (services.EditorialError, RoleFileError) as error:
                messages.error(request, str(error))
                return redirect("admin:roles_role_change", role.pk)
            messages.success(request, f"Published “{revision.guide}” (revision {revision.number}).")
            return redirect("admin:roles_role_change", revision.guide_id)
        diff = selectors.draft_diff(role) if role.draft_of_id else None
        return self._render(
            request, "admin/roles/role/publish.html", role, title=f"Publish “{role}”", diff=diff, editors=True
        )

    @method_decorator(require_safe)
    def revisions(self, request, object_id):
        guide = self._role(request, object_id)
        rows = RoleRevision.objects.filter(guide=guide).select_related("published_by").order_by("-number")
        return self._render(
            request, "admin/roles/role/revisions.html", guide, title=f"Published revisions of “{guide}”", rows=rows
        )

    @method_decorator(require_safe)
    def revision(self, request, object_id, number):
        """What changed from revision `number` to the guide as published now."""
        guide = self._role(request, object_id)
        revision = get_object_or_404(RoleRevision, guide=guide, number=number)
        latest = RoleRevision.objects.filter(guide=guide).order_by("-number").first()
        diff = selectors.guide_diff(revision.data, latest.data, editors=True)
        return self._render(
            request,
            "admin/roles/role/revision.html",
            guide,
            title=f"“{guide}”: revision {number} and the published guide",
            revision=revision,
            latest=latest,
            diff=diff,
            editors=True,
        )

    @method_decorator(require_http_methods(["GET", "POST"]))
    def rollback(self, request, object_id, number):
        """GET: what rolling back would change, and the button; POST: roll back (the publish permission)."""
        guide = self._role(request, object_id)
        if not can_publish(request.user):
            raise PermissionDenied
        revision = get_object_or_404(RoleRevision, guide=guide, number=number)
        if request.method == "GET":
            diff = selectors.guide_diff(selectors.file_data(guide), revision.data, editors=True)
            return self._render(
                request,
                "admin/roles/role/rollback.html",
                guide,
                title=f"Roll “{guide}” back to revision {number}",
                revision=revision,
                diff=diff,
                editors=True,
            )
        try:
            new = services.roll_back(role=guide, number=number, by=request.user)
        except RoleFileError as error:
            messages.error(request, f"Could not roll back to revision {number}: {error}")
            return redirect("admin:roles_role_revisions", guide.pk)
        messages.success(request, f"Rolled “{guide}” back to revision {number} (now revision {new.number}).")
        return redirect("admin:roles_role_revisions", guide.pk)


# A published guide is read-only in the admin: edits go to its draft -----------------------------------


def _published_role(obj):
    """The published role `obj` is or belongs to (a role, a row of one, a transition path's artifact), else None."""
    if isinstance(obj, Role):
        role = obj
    elif getattr(obj, "role_id", None):
        role = obj.role
    elif getattr(obj, "path_id", None):
        role = obj.path.role
    else:
        return None
    return role if role.is_published else None


class DraftsOnly:
    """Admin permissions that leave a published guide, and its rows, read-only: change its draft."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _published_role(obj) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _published_role(obj) is None

    def has_add_permission(self, request, *obj):  # an inline is asked with its parent, a model admin without
        return super().has_add_permission(request, *obj) and _published_role(obj[0] if obj else None) is None


class RowsOfDraftsOnly(DraftsOnly):
    """A row admin whose form refuses a row of a published guide, edited, new or moved there (the
    change list's quick edits too): "edit its draft"."""

    def get_form(self, request, obj=None, **kwargs):
        return _guarded(super().get_form(request, obj, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return _guarded(super().get_changelist_form(request, **kwargs))


def _guarded(form_class):
    def clean(self):
        cleaned = super(guarded, self).clean()
        published = _published_role(self.instance) if self.instance.pk else None
        if published is not None and self.has_changed():
            raise forms.ValidationError(f"“{published}” is published: edit its draft (“Edit in a draft” on its page).")
        role = cleaned.get("role")
        if isinstance(role, Role) and role.is_published:
            self.add_error("role", f"“{role}” is published: add the row to its draft.")
        return cleaned

    guarded = type(form_class.__name__, (form_class,), {"clean": clean})
    return guarded


def _pk(object_id):
    try:
        return int(object_id)
    except ValueError:
        raise Http404("No such role.") from None


def editorial_links(role):
    """(label, url) of the editorial pages that apply to `role`, for its change page (publishing
    needs the publish permission: its page says so to an editor without it)."""
    links = []
    if role.draft_of_id:
        links += [
            ("Preview as the public will see it", reverse("admin:roles_role_preview", args=[role.pk])),
            ("Compare with the published guide", reverse("admin:roles_role_compare", args=[role.pk])),
        ]
        links.append(("Publish this draft…", reverse("admin:roles_role_publish", args=[role.pk])))
        return links
    if role.is_published:
        links.append(("Edit in a draft", reverse("admin:roles_role_draft", args=[role.pk])))
    else:
        links.append(("Preview as the public will see it", reverse("admin:roles_role_preview", args=[role.pk])))
        links.append(("Publish…", reverse("admin:roles_role_publish", args=[role.pk])))
    links.append(("Published revisions", reverse("admin:roles_role_revisions", args=[role.pk])))
    return links
