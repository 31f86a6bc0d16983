"""Survey pages, included at /surveys/."""

from django.urls import URLPattern, path

from afterclass.surveys import views

urlpatterns: list[URLPattern] = [
    path("", views.survey_list, name="survey-list"),
    path("new/", views.survey_create, name="survey-create"),
    path("<int:survey_id>/", views.survey_detail, name="survey-detail"),
    path("<int:survey_id>/edit/", views.survey_edit, name="survey-edit"),
    path("<int:survey_id>/open/", views.survey_open, name="survey-open"),
    path("<int:survey_id>/close/", views.survey_close, name="survey-close"),
    path("<int:survey_id>/remind/", views.survey_remind, name="survey-remind"),
    path("<int:survey_id>/results/", views.survey_results_page, name="survey-results"),
    path("<int:survey_id>/results.csv", views.survey_results_csv, name="survey-results-csv"),
    path("prelaunch/<slug:slug>/", views.prelaunch_create, name="survey-prelaunch"),
    path("launch-sign-up/<int:space_id>/", views.launch_sign_up, name="launch-sign-up"),
]
