from django.urls import path

from . import plan_views, share_views, views

app_name = "assessments"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessments/start/<slug:slug>/", views.start, name="start"),
    path("assessments/fit/", views.role_fit, name="fit"),
    path("assessments/fit.json", views.role_fit_json, name="fit_json"),
    path("scoring/", views.how_scored, name="scoring"),
    path("assessments/<int:pk>/", views.resume, name="take"),
    path("assessments/<int:pk>/step/<int:number>/", views.step, name="step"),
    path("assessments/<int:pk>/rate/", views.rate, name="rate"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("assessments/<int:pk>/confirm-carried-over/", views.confirm_carried_over, name="confirm"),
    path("assessments/<int:pk>/submit/", views.submit, name="submit"),
    path("assessments/<int:pk>/delete/", views.delete, name="delete"),
    path("assessments/<int:pk>/retake/", views.retake, name="retake"),
    path("assessments/<int:pk>/report/", views.report, name="report"),
    path("assessments/<int:pk>/report.json", views.report_json, name="report_json"),
    path("assessments/<int:pk>/report.csv", views.report_csv, name="report_csv"),
    path("assessments/<int:pk>/share/", share_views.shares, name="shares"),
    path("assessments/<int:pk>/share/<int:link_id>/revoke/", share_views.revoke_share, name="revoke_share"),
    path("assessments/<int:pk>/plan/", plan_views.plan, name="plan"),
    path("assessments/<int:pk>/plan/create/", plan_views.plan_create, name="plan_create"),
    path("assessments/<int:pk>/plan/save/", plan_views.plan_save, name="plan_save"),
    path("assessments/<int:pk>/plan/items/<int:item_id>/", plan_views.plan_item, name="plan_item"),
    path("assessments/<int:pk>/plan.ics", plan_views.plan_calendar, name="plan_ics"),
    path("r/<slug:token>/", share_views.shared_report, name="shared"),
]
