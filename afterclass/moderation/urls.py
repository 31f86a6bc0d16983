"""Report pages, included at the site root: reporting, a space's queue, resolving."""

from django.urls import URLPattern, path

from afterclass.moderation import views

urlpatterns: list[URLPattern] = [
    path("posts/<int:post_id>/report/", views.report_post, name="post-report"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="comment-report"),
    path("spaces/<slug:slug>/reports/", views.queue, name="space-reports"),
    path("spaces/<slug:slug>/reports/count/", views.count, name="space-report-count"),
    path("reports/<int:report_id>/resolve/", views.resolve, name="report-resolve"),
]
