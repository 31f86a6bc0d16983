"""Erasure: Manage → People → a person → Erase."""

from django.urls import path

from afterclass.erasure import views

urlpatterns = [
    path("manage/people/<int:person_id>/erase/", views.erase_person, name="manage-person-erase"),
]
