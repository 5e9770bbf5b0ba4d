import os

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

from . import views

# The admin's own log-in form would skip the second factor: visitors are sent to allauth's log-in.
admin.site.login = account_views.admin_login_through_site_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # django-allauth's account pages; sign-up and password reset through careerpath's throttles first.
    path("accounts/signup/", account_views.signup, name="account_signup"),
    path("accounts/password/reset/", account_views.password_reset, name="account_reset_password"),
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/sso/", include("accounts.sso.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("roles.urls")),
    path("", include("assessments.urls")),
    path("", include("reviews.urls")),
    path("teams/", include("teams.urls")),
    path("api/v1/", include("api.urls")),
    path("api-tokens/", include("api.token_urls")),
    path("notices/", include("notices.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "careerpath.views.page_not_found"
handler500 = "careerpath.views.server_error"

admin.site.site_header = "careerpath editors"
admin.site.site_title = "careerpath admin"
admin.site.index_title = "Role guides and assessments"

if os.environ.get("CAREERPATH_BENCH_FLOOR") == "1":  # bench/run.py: a constant page to compare against
    from . import bench_views

    urlpatterns += [path("bench/floor", bench_views.floor)]
