from django.urls import path

from . import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.tokens, name="list"),
    path("<int:token_id>/revoke/", token_views.revoke, name="revoke"),
]
