"""Learning pages, included at the site root."""

from django.urls import URLPattern, path

from afterclass.learning.views import building, pages, review, sessions

urlpatterns: list[URLPattern] = [
    path("learning/", pages.mine, name="my-learning"),
    path("spaces/<slug:slug>/learning/", pages.space_page, name="learning-space"),
    path(
        "spaces/<slug:slug>/learning/units/new/", building.unit_create, name="learning-unit-create"
    ),
    path("spaces/<slug:slug>/learning/copy/", building.copy_units, name="learning-copy"),
    path(
        "spaces/<slug:slug>/learning/units/order/",
        building.units_order,
        name="learning-units-order",
    ),
    path("spaces/<slug:slug>/learning/progress/", review.grid, name="learning-progress"),
    path("spaces/<slug:slug>/learning/submissions/", review.queue, name="learning-review"),
    path(
        "spaces/<slug:slug>/learning/sessions/new/",
        sessions.session_create,
        name="learning-session-create",
    ),
    path(
        "spaces/<slug:slug>/learning/calendar.ics",
        sessions.space_calendar,
        name="learning-calendar",
    ),
    path("learning/units/<int:unit_id>/edit/", building.unit_edit, name="learning-unit-edit"),
    path("learning/units/<int:unit_id>/move/", building.unit_move, name="learning-unit-move"),
    path("learning/units/<int:unit_id>/delete/", building.unit_delete, name="learning-unit-delete"),
    path(
        "learning/units/<int:unit_id>/activities/order/",
        building.activities_order,
        name="learning-activities-order",
    ),
    path(
        "learning/units/<int:unit_id>/activities/new/",
        building.activity_create,
        name="learning-activity-create",
    ),
    path("learning/activities/<int:activity_id>/", pages.activity_page, name="learning-activity"),
    path(
        "learning/activities/<int:activity_id>/edit/",
        building.activity_edit,
        name="learning-activity-edit",
    ),
    path(
        "learning/activities/<int:activity_id>/move/",
        building.activity_move,
        name="learning-activity-move",
    ),
    path(
        "learning/activities/<int:activity_id>/delete/",
        building.activity_delete,
        name="learning-activity-delete",
    ),
    path("learning/activities/<int:activity_id>/done/", pages.mark_done, name="learning-done"),
    path("learning/activities/<int:activity_id>/submit/", pages.submit, name="learning-submit"),
    path("learning/activities/<int:activity_id>/check/", pages.answer_check, name="learning-check"),
    path("learning/activities/<int:activity_id>/nudge/", review.nudge, name="learning-nudge"),
    path(
        "learning/submissions/<int:submission_id>/feedback/",
        review.feedback,
        name="learning-feedback",
    ),
    path("learning/sessions/<int:session_id>/", sessions.session_page, name="learning-session"),
    path(
        "learning/sessions/<int:session_id>/edit/",
        sessions.session_edit,
        name="learning-session-edit",
    ),
    path(
        "learning/sessions/<int:session_id>/delete/",
        sessions.session_delete,
        name="learning-session-delete",
    ),
    path(
        "learning/sessions/<int:session_id>/session.ics",
        sessions.session_ics,
        name="learning-session-ics",
    ),
]
