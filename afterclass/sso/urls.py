"""URLs of single sign-on's pages (Manage → Sign-in, the signed-out page)."""

from django.urls import URLPattern, path

from afterclass.sso import views

urlpatterns: list[URLPattern] = [
    path("manage/sign-in/", views.manage_sign_in, name="manage-sign-in"),
    path("manage/sign-in/saml/", views.manage_sign_in_saml, name="manage-sign-in-saml"),
    path(
        "manage/sign-in/providers/<int:provider_pk>/",
        views.manage_sign_in_provider,
        name="manage-sign-in-provider",
    ),
    path(
        "manage/sign-in/providers/<int:provider_pk>/delete/",
        views.manage_sign_in_provider_delete,
        name="manage-sign-in-provider-delete",
    ),
    path("accounts/signed-out/", views.signed_out, name="sso-signed-out"),
    # Before people's own page of the same address (afterclass/urls.py includes this first).
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path(
        "accounts/oidc/<str:provider_id>/login/",
        views.provider_sign_in,
        name="openid_connect_login",
    ),
    path("accounts/saml/<str:organization_slug>/login/", views.saml_sign_in, name="saml_login"),
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        views.saml_finish,
        name="saml_finish_acs",
    ),
]
