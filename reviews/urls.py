from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("assessments/<int:pk>/reviews/", views.manage, name="manage"),
    path("assessments/<int:pk>/reviews/teammate/", views.ask_teammate, name="ask_teammate"),
    path("assessments/<int:pk>/reviews/<int:request_id>/revoke/", views.revoke, name="revoke"),
    path("reviews/", views.mine, name="mine"),
    path("reviews/calibration/", views.calibration, name="calibration"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/rate/", views.rate, name="rate"),
    path("reviews/<int:pk>/compare/", views.compare, name="compare"),
    path("reviews/<int:pk>/delete/", views.delete, name="delete"),
    path("review/<slug:token>/", views.open_link, name="open"),
    path("reviews/asked/<int:request_id>/start/", views.take_asked, name="take_asked"),
]
