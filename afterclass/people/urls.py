"""URLs of the people pages (included at the site root)."""

from django.urls import URLPattern, path

from afterclass.people import views

urlpatterns: list[URLPattern] = [
    path("people/", views.people_directory, name="people-directory"),
    path("people/<int:person_id>/", views.person_profile, name="person-profile"),
    path("me/", views.my_profile, name="my-profile"),
    path("me/avatar/", views.my_avatar, name="my-avatar"),
    path("me/tokens/", views.my_tokens, name="my-tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.my_token_revoke, name="my-token-revoke"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("manage/people/", views.manage_people, name="manage-people"),
    path("manage/people/<int:person_id>/", views.manage_person, name="manage-person"),
    path(
        "manage/people/<int:person_id>/active/",
        views.manage_person_active,
        name="manage-person-active",
    ),
    path(
        "manage/people/<int:person_id>/admin/",
        views.manage_person_admin,
        name="manage-person-admin",
    ),
    path("manage/invitations/", views.manage_invitations, name="manage-invitations"),
    path(
        "manage/invitations/<int:invitation_id>/revoke/",
        views.manage_invitation_revoke,
        name="manage-invitation-revoke",
    ),
    path("manage/departments/", views.manage_departments, name="manage-departments"),
    path(
        "manage/departments/<int:department_id>/rename/",
        views.manage_department_rename,
        name="manage-department-rename",
    ),
    path("manage/organisation/", views.manage_organisation, name="manage-organisation"),
    path("manage/organisation/levels/", views.manage_levels, name="manage-levels"),
]
