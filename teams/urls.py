from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.create, name="create"),
    path("join/<str:token>/", views.join, name="join"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/consent/", views.consent, name="consent"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/invitations/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<slug:slug>/invitations/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<slug:slug>/members/<int:pk>/remove/", views.remove, name="remove"),
    path("<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<slug:slug>/assignments/new/", views.assign, name="assign"),
    path("<slug:slug>/roles/<slug:role_slug>/", views.role_page, name="role"),
    path("<slug:slug>/roles/<slug:role_slug>/matrix.json", views.matrix_json, name="matrix_json"),
    path("<slug:slug>/roles/<slug:role_slug>/matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("<slug:slug>/roles/<slug:role_slug>/cycles/", views.open_cycle, name="open_cycle"),
    path("<slug:slug>/cycles/<int:pk>/close/", views.close_cycle, name="close_cycle"),
]
