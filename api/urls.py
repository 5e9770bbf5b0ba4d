from django.urls import path, re_path

from . import personal_views, team_views, views

app_name = "api"

urlpatterns = [
    path("roles/", views.RoleList.as_view(), name="roles"),
    path("roles/<slug:slug>/", views.RoleDetail.as_view(), name="role"),
    path("roles/<slug:slug>/case/", views.RoleCase.as_view(), name="role_case"),
    path("skills/", views.SkillList.as_view(), name="skills"),
    path("skills/<slug:slug>/", views.SkillDetail.as_view(), name="skill"),
    path("me/assessments/", personal_views.MyAssessments.as_view(), name="my_assessments"),
    path("me/assessments/<int:pk>/report/", personal_views.MyReport.as_view(), name="my_report"),
    path("me/plans/", personal_views.MyPlans.as_view(), name="my_plans"),
    path("me/plans/<int:pk>/", personal_views.MyPlan.as_view(), name="my_plan"),
    path("me/plans/<int:pk>/items/<int:item_id>/", personal_views.MyPlanItem.as_view(), name="my_plan_item"),
    path("teams/", team_views.ManagedTeams.as_view(), name="teams"),
    path(
        "teams/<slug:slug>/roles/<slug:role_slug>/completion/",
        team_views.TeamCompletion.as_view(),
        name="team_completion",
    ),
    path("teams/<slug:slug>/roles/<slug:role_slug>/matrix/", team_views.TeamMatrix.as_view(), name="team_matrix"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<path>.*)$", views.no_such_endpoint, name="not_found"),  # last: the API's own 404
]
