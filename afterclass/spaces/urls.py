"""Space pages, included at /spaces/."""

from django.urls import URLPattern, path

from afterclass.spaces.views import directory, membership, space

urlpatterns: list[URLPattern] = [
    path("", directory.directory, name="space-directory"),
    path("new/", directory.create, name="space-create"),
    path("<slug:slug>/", space.home, name="space-home"),
    path("<slug:slug>/settings/", space.space_settings, name="space-settings"),
    path("<slug:slug>/status/", space.set_status, name="space-status"),
    path("<slug:slug>/launch/", space.launch, name="space-launch"),
    path("<slug:slug>/rules/", space.rules, name="space-rules"),
    path("<slug:slug>/rules/publish/", space.publish_rules, name="space-publish-rules"),
    path("<slug:slug>/join/", membership.join, name="space-join"),
    path("<slug:slug>/leave/", membership.leave, name="space-leave"),
    path("<slug:slug>/members/", membership.members, name="space-members"),
    path("<slug:slug>/members/invite/", membership.invite_people, name="space-invite"),
    path(
        "<slug:slug>/members/invite-department/",
        membership.invite_department,
        name="space-invite-department",
    ),
    path("<slug:slug>/members/<int:membership_id>/", membership.member, name="space-member"),
    path("<slug:slug>/requests/", membership.requests, name="space-requests"),
]
