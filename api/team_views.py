"""The teams the caller manages: completion and the matrix of an assigned role, exactly as the team
page and matrix.json show them, through the same selectors (teams/selectors.py): the same consent,
threshold and review-cycle rules, the same 404 for anyone who is not the team's owner or manager."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from careerpath.owner import Owner
from teams import access as team_access
from teams import selectors as team_selectors
from teams import services as team_services
from teams.matrix import matrix_data
from teams.models import Membership

from .models import Scope
from .permissions import SignedIn
from .serializers import CompletionSerializer, ErrorSerializer, ManagedTeamSerializer
from .views import ApiMixin, errors


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class TeamMixin(ApiMixin):
    permission_classes = [SignedIn]
    required_scope = Scope.READ_TEAMS
    personal = True


@extend_schema(
    tags=["teams"],
    parameters=[OpenApiParameter("page_size", int, description="Rows per page, 1-100 (default 20).")],
    responses={200: ManagedTeamSerializer(many=True), **errors(400, 401, 403, 429)},
)
class ManagedTeams(TeamMixin, generics.ListAPIView):
    """The teams you own or manage, each with the roles assigned to it."""

    serializer_class = ManagedTeamSerializer
    ordering = "id"

    def get_queryset(self):
        return (
            Membership.objects.managing()
            .owned_by(Owner.of(self.request))
            .select_related("team")
            .prefetch_related("team__assignments__role")
        )


def _team_role(request, slug, role_slug):
    """(team, role, the team page's view of it) for an owner or manager; 404 for anyone else; 410
    for a role withdrawn from the site (as matrix.json)."""
    membership = team_access.get_managing_membership_for_user(request, slug)
    role = team_selectors.assigned_role_or_404(membership.team, role_slug)
    if not role.is_published:
        raise Gone(f"{role.title} was withdrawn from the site; its team view is gone.")
    view = team_services.current_team_role_view(team=membership.team, role=role, viewer=request.user)
    return membership.team, role, view


GONE = {410: OpenApiResponse(ErrorSerializer, description="The role was withdrawn from the site.")}


@extend_schema(tags=["teams"], responses={200: CompletionSerializer, **errors(401, 403, 404, 429), **GONE})
class TeamCompletion(TeamMixin, APIView):
    """Who has submitted the role: in the open review cycle when there is one, else among the members
    assigned it (as the team page's Completion)."""

    def get(self, request, slug, role_slug):
        _team, role, view = _team_role(request, slug, role_slug)
        cycle = view["completion_cycle"]
        return Response(
            CompletionSerializer(
                {
                    "role": role,
                    "cycle": None
                    if cycle is None
                    else {"id": cycle.pk, "closes_on": cycle.closes_on, **view["open_progress"]},
                    "completion": view["completion"],
                    "assigned": view["assigned_count"],
                }
            ).data
        )


@extend_schema(
    tags=["teams"],
    responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description="matrix.json's shape (docs/teams.md)."),
        **errors(401, 403, 404, 429),
        **GONE,
    },
)
class TeamMatrix(TeamMixin, APIView):
    """The team's matrix of the role, exactly as matrix.json downloads it."""

    def get(self, request, slug, role_slug):
        _team, role, view = _team_role(request, slug, role_slug)
        return Response(matrix_data(role, view["members_submitted"], view))
