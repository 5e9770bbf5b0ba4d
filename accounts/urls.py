from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("preferences/", views.preferences, name="preferences"),
    path("export/", views.export_my_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
