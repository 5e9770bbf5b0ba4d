"""The API's public endpoints (roles, skills) and the base every endpoint shares.

Every endpoint: the address rate limit before anything else (api/throttling.py), then who calls
(token or session, api/authentication.py), the scope the token needs (`required_scope`), the
per-token rate limit, and errors in one shape (api/errors.py). Nothing here is in the page cache.
"""

from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from roles import case
from roles.forms import RoleFilterForm
from roles.models import Family, Role

from . import selectors
from .errors import not_found_response
from .models import Scope
from .serializers import (
    ErrorSerializer,
    RoleDetailSerializer,
    RoleSerializer,
    SkillDetailSerializer,
    SkillSerializer,
)
from .throttling import AddressThrottle

ERRORS = {
    code: OpenApiResponse(ErrorSerializer, description=text)
    for code, text in {
        400: "Bad input (see `fields`).",
        401: "A token that is malformed, unknown, revoked or expired; or none where one is needed.",
        403: "The token lacks the scope this endpoint needs.",
        404: "Nothing here that you may see.",
        429: "Too many requests: wait Retry-After seconds.",
    }.items()
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


class ApiMixin:
    """What every endpoint shares. `personal`: the answer is about its caller (never stored anywhere)."""

    required_scope = Scope.READ_ROLES
    personal = False

    def initial(self, request, *args, **kwargs):
        address = AddressThrottle()  # before authentication: guessing tokens counts too
        if not address.allow_request(request, self):
            self.throttled(request, address.wait())
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "_user", None)  # None when refused before authentication (throttled)
        if self.personal or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", private"
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


def validated(form):
    """The form's cleaned data, or a 400 naming each bad parameter."""
    if not form.is_valid():
        raise ValidationError({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return form.cleaned_data


ROLE_FILTERS = [
    OpenApiParameter("q", str, description="Words in the title, summary or a skill's name (up to 100 characters)."),
    OpenApiParameter("family", str, description="A family's slug, as in each role's `family.slug`."),
    OpenApiParameter("page_size", int, description="Rows per page, 1-100 (default 20)."),
]


@extend_schema(
    tags=["roles"], parameters=ROLE_FILTERS, responses={200: RoleSerializer(many=True), **errors(400, 401, 403, 429)}
)
class RoleList(ApiMixin, generics.ListAPIView):
    """Role guides you may see (published ones; staff also see drafts), by slug; search and filter."""

    serializer_class = RoleSerializer
    ordering = "slug"

    def get_queryset(self):
        families = Family.objects.filter(pk__in=Role.objects.visible_to(self.request.user).values("family"))
        wanted = validated(RoleFilterForm(self.request.query_params, families=families))
        return selectors.roles_for(self.request.user, q=wanted["q"], family=wanted["family"])


@extend_schema(tags=["roles"], responses={200: RoleDetailSerializer, **errors(401, 403, 404, 429)})
class RoleDetail(ApiMixin, generics.RetrieveAPIView):
    """One role guide: its skills (kind, target, weight, level descriptors), courses and
    certifications (the level each brings one to) and the sources it cites."""

    serializer_class = RoleDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.role_detail_for(self.request.user)


@extend_schema(
    tags=["roles"],
    responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description="A CASE 1.0 CFPackage (docs/role-format.md)."),
        **errors(401, 403, 404, 429),
    },
)
class RoleCase(ApiMixin, APIView):
    """The published guide as a 1EdTech CASE 1.0 CFPackage, as `/roles/{slug}/case.json` gives it:
    the role, its categories and skills, a rubric per skill (levels 0-5 and the target) and
    alignments, with identifiers that stay the same across exports. Drafts have none."""

    def get(self, request, slug):
        try:
            role = case.load(slug)
        except Role.DoesNotExist:
            raise NotFound("No published role guide has this slug.") from None
        # The package's own URL is the site's, so its URIs are the same whichever way it was fetched.
        return Response(case.package(role, base_uri=request.build_absolute_uri(reverse("roles:case", args=[slug]))))


SKILL_FILTERS = [
    OpenApiParameter("q", str, description="Words in the skill's name."),
    OpenApiParameter("category", str, description="A category, as in each skill's `category`."),
    OpenApiParameter("page_size", int, description="Rows per page, 1-100 (default 20)."),
]


@extend_schema(
    tags=["roles"], parameters=SKILL_FILTERS, responses={200: SkillSerializer(many=True), **errors(400, 401, 403, 429)}
)
class SkillList(ApiMixin, generics.ListAPIView):
    """Skills the roles you may see need, by slug."""

    serializer_class = SkillSerializer
    ordering = "slug"

    def get_queryset(self):
        params = self.request.query_params
        q, category = params.get("q", ""), params.get("category", "")
        bad = {
            name: ["Up to 100 characters."] for name, value in (("q", q), ("category", category)) if len(value) > 100
        }
        if bad:
            raise ValidationError(bad)
        return selectors.skills_for(self.request.user, q=q, category=category)


@extend_schema(tags=["roles"], responses={200: SkillDetailSerializer, **errors(401, 403, 404, 429)})
class SkillDetail(ApiMixin, generics.RetrieveAPIView):
    """One skill: what each level looks like, and the roles you may see that need it."""

    serializer_class = SkillDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.skill_detail_for(self.request.user)


class Schema(ApiMixin, SpectacularAPIView):
    """The OpenAPI 3 schema of /api/v1/ (YAML; ?format=json for JSON). Public."""

    permission_classes = [AllowAny]


class Docs(ApiMixin, SpectacularSwaggerSplitView):
    """Swagger UI over the schema, served from this site (drf-spectacular-sidecar): works offline."""

    permission_classes = [AllowAny]


def no_such_endpoint(request, path=""):
    """The API's 404 for a path that names no endpoint; a missing final slash is pointed out."""
    hint = ""
    if not request.path.endswith("/"):
        match = resolve_or_none(request.path_info + "/")
        if match is not None and match.url_name != "not_found":
            hint = request.path + "/"
    return not_found_response(request.path, did_you_mean=hint)


def resolve_or_none(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
