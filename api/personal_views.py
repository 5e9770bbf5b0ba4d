"""The caller's own data: their assessments, each report in report.json's shape, and their plans
(read; change an item's status and action). Someone else's row is a 404, as on the pages; every
answer says Cache-Control: private, no-store."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import services as assessment_services
from assessments.forms import OWN_ACTION, PlanItemForm
from assessments.models import Assessment, Plan, PlanItem
from assessments.plans import plan_options
from assessments.reports import report_for
from careerpath.owner import Owner
from reviews.selectors import Basis, report_document

from .models import Scope
from .permissions import SignedIn
from .serializers import AssessmentSerializer, PlanItemSerializer, PlanItemUpdateSerializer, PlanSerializer
from .views import ApiMixin, errors


class PersonalMixin(ApiMixin):
    permission_classes = [SignedIn]
    required_scope = Scope.READ_REPORTS
    personal = True


@extend_schema(
    tags=["me"],
    parameters=[OpenApiParameter("page_size", int, description="Rows per page, 1-100 (default 20).")],
    responses={200: AssessmentSerializer(many=True), **errors(400, 401, 403, 429)},
)
class MyAssessments(PersonalMixin, generics.ListAPIView):
    """Your assessments, newest first: drafts and submitted ones; a submitted one links its report."""

    serializer_class = AssessmentSerializer
    ordering = "-id"

    def get_queryset(self):
        return Assessment.objects.owned_by(Owner.of(self.request)).select_related("role").defer("snapshot")


@extend_schema(
    tags=["me"],
    parameters=[
        OpenApiParameter(
            "basis",
            str,
            enum=list(Basis.ALL),
            description="The ratings the report is computed on; the default is calibrated once you calibrated "
            "a skill, else self.",
        )
    ],
    responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description="report.json's shape: docs/report-format.md."),
        **errors(400, 401, 403, 404, 429),
    },
)
class MyReport(PersonalMixin, APIView):
    """The gap report of one of your submitted assessments, exactly as report.json downloads it."""

    def get(self, request, pk):
        basis = request.query_params.get("basis", "")
        if basis and basis not in Basis.ALL:
            raise exceptions.ValidationError({"basis": [f"One of {', '.join(Basis.ALL)}."]})
        assessment = get_object_or_404(
            Assessment.objects.owned_by(Owner.of(request)).submitted().select_related("role"), pk=pk
        )
        return Response(report_document(assessment, basis))


def my_plans(user):
    items = PlanItem.objects.select_related("skill").order_by("order", "id")
    return (
        Plan.objects.owned_by(Owner.of_user(user))
        .select_related("role")
        .prefetch_related(Prefetch("items", queryset=items))
    )


@extend_schema(
    tags=["me"],
    parameters=[OpenApiParameter("page_size", int, description="Rows per page, 1-100 (default 20).")],
    responses={200: PlanSerializer(many=True), **errors(400, 401, 403, 429)},
)
class MyPlans(PersonalMixin, generics.ListAPIView):
    """Your development plans (one per role), each with its items in priority order."""

    serializer_class = PlanSerializer
    ordering = "-id"

    def get_queryset(self):
        return my_plans(self.request.user)


@extend_schema(tags=["me"], responses={200: PlanSerializer, **errors(401, 403, 404, 429)})
class MyPlan(PersonalMixin, generics.RetrieveAPIView):
    """One of your plans."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return my_plans(self.request.user)


def _form_data(item, prefix, options, *, status, action):
    """The plan page's form, filled as if the owner had changed only `status` and `action`."""
    data = {
        f"{prefix}-status": status,
        f"{prefix}-target_date": item.target_date.isoformat() if item.target_date else "",
        f"{prefix}-notes": item.notes,
    }
    if action in options:
        data[f"{prefix}-choice"] = f"opt-{options.index(action)}"
    elif action:
        data[f"{prefix}-choice"] = OWN_ACTION
        data[f"{prefix}-own_action"] = action
    return data


@extend_schema(
    tags=["me"],
    request=PlanItemUpdateSerializer,
    responses={200: PlanItemSerializer, **errors(400, 401, 403, 404, 429)},
)
class MyPlanItem(PersonalMixin, APIView):
    """Change one plan item's status and/or action; the item's history records it, as on the page."""

    required_scope = Scope.WRITE_PLAN
    http_method_names = ["patch", "options"]

    def patch(self, request, pk, item_id):
        item = get_object_or_404(
            PlanItem.objects.owned_by(Owner.of(request)).select_related("skill", "plan__assessment"),
            pk=item_id,
            plan_id=pk,
        )
        body = PlanItemUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = {"status": item.status, "action": item.action, **body.validated_data}
        options = plan_options(report_for(item.plan.assessment)).get(item.skill.slug, [])
        prefix = f"item-{item.pk}"
        form = PlanItemForm(
            _form_data(item, prefix, options, **wanted),
            instance=PlanItem.objects.get(pk=item.pk),  # a copy: a refused change leaves `item` as it was
            options=options,
            prefix=prefix,
        )
        if not form.is_valid():
            named = {"own_action": "action", "choice": "action", "__all__": "non_field"}
            raise exceptions.ValidationError(
                {named.get(f, f): [str(m) for m in messages] for f, messages in form.errors.items()}
            )
        assessment_services.update_plan_item(
            item=item,
            action=form.cleaned_data["action"],
            target_date=form.cleaned_data["target_date"],
            notes=form.cleaned_data["notes"],
            status=form.cleaned_data["status"],
        )
        return Response(PlanItemSerializer(item).data)
