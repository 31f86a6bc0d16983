"""Manage → Audit log (mounted under /manage/audit/)."""

from django.urls import path

from afterclass.auditlog import views

urlpatterns = [
    path("", views.audit_log, name="manage-audit"),
    path("export.csv", views.audit_log_csv, name="manage-audit-csv"),
]
