"""URLs of the SCIM 2.0 service (included at /scim/v2/) and of its page under Manage."""

from django.urls import URLPattern, path, re_path

from afterclass.scim.views import manage, protocol

scim_urlpatterns: list[URLPattern] = [
    path("ServiceProviderConfig", protocol.service_provider_config, name="scim-config"),
    path("ResourceTypes", protocol.resource_types, name="scim-resource-types"),
    path("ResourceTypes/<str:name>", protocol.resource_types, name="scim-resource-type"),
    path("Schemas", protocol.schemas, name="scim-schemas"),
    path("Schemas/<str:schema_id>", protocol.schemas, name="scim-schema"),
    path("Users", protocol.users, name="scim-users"),
    path("Users/.search", protocol.users_search, name="scim-users-search"),
    path("Users/<str:person_id>", protocol.user, name="scim-user"),
    path("Groups", protocol.groups, name="scim-groups"),
    path("Groups/.search", protocol.groups_search, name="scim-groups-search"),
    path("Groups/<str:department_id>", protocol.group, name="scim-group"),
    re_path(r"^(?P<rest>.*)$", protocol.unknown, name="scim-unknown"),
]

manage_urlpatterns: list[URLPattern] = [
    path("", manage.manage_provisioning, name="manage-provisioning"),
    path(
        "tokens/<int:token_id>/revoke/",
        manage.manage_provisioning_token_revoke,
        name="manage-provisioning-token-revoke",
    ),
]
