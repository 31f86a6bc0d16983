"""System health, under /manage/system/."""

from django.urls import URLPattern, path

from afterclass.worker import views

urlpatterns: list[URLPattern] = [
    path("", views.system_page, name="system-health"),
    path("tasks/<str:task_id>/retry/", views.retry_task, name="system-retry-task"),
    path("emails/retry/", views.retry_emails, name="system-retry-emails"),
]
