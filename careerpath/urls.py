import os

from django.contrib import admin
from django.urls import include, path

from accounts.views import LoginView, LogoutView, PasswordResetView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("roles.urls")),
    path("", include("assessments.urls")),
    path("", include("reviews.urls")),
    path("teams/", include("teams.urls")),
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
