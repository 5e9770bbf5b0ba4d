from django.urls import path

from . import views

app_name = "roles"

urlpatterns = [
    path("roles/", views.role_list, name="list"),
    path("roles/<slug:slug>/", views.role_detail, name="detail"),
    path("roles/<slug:slug>/changes/<int:number>/", views.changes, name="changes"),
    path("roles/<slug:slug>/case.json", views.case_package, name="case"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill"),
    path("scale/", views.scale, name="scale"),
]
