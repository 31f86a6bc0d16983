"""URLs of the people pages (included at the site root)."""

from django.urls import URLPattern, path

from afterclass.people.views import directory, invitations, manage, me, onboarding, security

urlpatterns: list[URLPattern] = [
    path("people/", directory.people_directory, name="people-directory"),
    path("people/<int:person_id>/", directory.person_profile, name="person-profile"),
    path("welcome/", onboarding.welcome_profile, name="onboarding"),
    path("welcome/done/", onboarding.welcome_done, name="onboarding-done"),
    path("me/", me.my_profile, name="my-profile"),
    path("me/avatar/", me.my_avatar, name="my-avatar"),
    path("me/sessions/", security.my_sessions, name="my-sessions"),
    path("me/sessions/<int:session_id>/end/", security.my_session_end, name="my-session-end"),
    path("me/sessions/end-others/", security.my_sessions_end_others, name="my-sessions-end-others"),
    path("me/tokens/", me.my_tokens, name="my-tokens"),
    path("me/tokens/<int:token_id>/revoke/", me.my_token_revoke, name="my-token-revoke"),
    path("invitations/<str:token>/", invitations.accept_invitation, name="accept-invitation"),
    path("manage/people/", manage.manage_people, name="manage-people"),
    path("manage/people/<int:person_id>/", manage.manage_person, name="manage-person"),
    path(
        "manage/people/<int:person_id>/active/",
        manage.manage_person_active,
        name="manage-person-active",
    ),
    path(
        "manage/people/<int:person_id>/sessions/end/",
        manage.manage_person_sessions_end,
        name="manage-person-sessions-end",
    ),
    path(
        "manage/people/<int:person_id>/admin/",
        manage.manage_person_admin,
        name="manage-person-admin",
    ),
    path("manage/invitations/", manage.manage_invitations, name="manage-invitations"),
    path(
        "manage/invitations/<int:invitation_id>/revoke/",
        manage.manage_invitation_revoke,
        name="manage-invitation-revoke",
    ),
    path("manage/departments/", manage.manage_departments, name="manage-departments"),
    path(
        "manage/departments/<int:department_id>/rename/",
        manage.manage_department_rename,
        name="manage-department-rename",
    ),
    path("manage/organisation/", manage.manage_organisation, name="manage-organisation"),
    path("manage/organisation/levels/", manage.manage_levels, name="manage-levels"),
]
