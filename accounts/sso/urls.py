from django.urls import include, path, re_path

from . import views

# /accounts/sso/<organisation>/login/ and .../login/callback/ (the redirect URI to register)
urlpatterns = [
    re_path(
        r"^(?P<provider_id>[a-z0-9][a-z0-9-]*)/",
        include(
            [
                path("login/", views.login, name="organisation_oidc_login"),
                path("login/callback/", views.callback, name="organisation_oidc_callback"),
            ]
        ),
    )
]
