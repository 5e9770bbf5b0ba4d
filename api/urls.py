from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("roles/", views.RoleList.as_view(), name="roles"),
    path("roles/<slug:slug>/", views.RoleDetail.as_view(), name="role"),
    path("skills/", views.SkillList.as_view(), name="skills"),
    path("skills/<slug:slug>/", views.SkillDetail.as_view(), name="skill"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<path>.*)$", views.no_such_endpoint, name="not_found"),  # last: the API's own 404
]
