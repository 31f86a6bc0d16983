"""Notification pages, under /notifications/."""

from django.urls import URLPattern, path

from afterclass.notifications import views

urlpatterns: list[URLPattern] = [
    path("", views.centre, name="notifications"),
    path("bell/", views.bell, name="notification-bell"),
    path("read-all/", views.mark_all_read, name="notifications-read-all"),
    path("<int:notification_id>/open/", views.open_notification, name="notification-open"),
    path("<int:notification_id>/read/", views.mark_read, name="notification-read"),
    path("settings/", views.settings_page, name="notification-settings"),
    path("settings/kinds/<str:kind>/", views.set_kind, name="notification-kind"),
    path("settings/spaces/<slug:slug>/", views.set_space_level, name="notification-space"),
    path("settings/digest/", views.set_digest, name="notification-digest"),
    path("settings/no-email/", views.set_no_email, name="notification-no-email"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
