"""Two-factor sign-in: the organisation's requirement, enrolment first, codes and recovery codes.

Codes are computed with allauth's own TOTP helper, as an authenticator app would."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import do_set_org_admin, do_update_organisation
from afterclass.people.models import Organisation, Person, TwoFactorRequirement
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.people.two_factor import ENROL_SESSION_KEY, must_enrol, two_factor_required

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password"  # what PersonFactory gives everyone


def require(who: str) -> None:
    Organisation.objects.update_or_create(pk=1, defaults={"two_factor_required_for": who})


def code_now(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(person: Person, **extra: str) -> tuple[Client, object]:
    client = Client(**extra)
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    return client, response


def with_totp(person: Person) -> tuple[str, list[str]]:
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    codes = RecoveryCodes.activate(person).get_unused_codes()
    return secret, codes


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("my-profile")).status_code == 200


def signed_in_again(person: Person) -> Client:
    """Signed in, and the password just typed again (allauth asks before a factor changes)."""
    client = Client()
    client.force_login(person)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


# --- Who must use a second factor ---------------------------------------------------------


@pytest.mark.parametrize(
    ("requirement", "admin", "member", "sso_admin"),
    [
        (TwoFactorRequirement.NOBODY, False, False, False),
        (TwoFactorRequirement.ADMINS, True, False, False),
        (TwoFactorRequirement.EVERYONE, True, True, False),
    ],
)
def test_two_factor_required_follows_the_setting(requirement, admin, member, sso_admin):
    organisation = Organisation(two_factor_required_for=requirement)
    someone_sso = AdminFactory()
    someone_sso.set_unusable_password()  # signs in through the identity provider

    assert two_factor_required(AdminFactory(), organisation) is admin
    assert two_factor_required(PersonFactory(), organisation) is member
    assert two_factor_required(someone_sso, organisation) is sso_admin


def test_must_enrol_only_without_a_factor(admin):
    require(TwoFactorRequirement.ADMINS)
    assert must_enrol(admin)

    RecoveryCodes.activate(admin)  # recovery codes alone are not a second factor
    assert must_enrol(admin)

    TOTP.activate(admin, generate_totp_secret())
    assert not must_enrol(admin)


# --- Enrolment first ----------------------------------------------------------------------


def test_sign_in_leads_an_admin_to_enrolment_when_admins_must(admin):
    require(TwoFactorRequirement.ADMINS)

    client, response = sign_in(admin)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "requires two-factor sign-in for you" in page.content.decode()


def test_sign_in_leaves_a_member_alone_when_only_admins_must(person):
    require(TwoFactorRequirement.ADMINS)

    client, response = sign_in(person)

    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_index")
    assert client.get(reverse("my-profile")).status_code == 200


def test_sign_in_leads_everyone_with_a_password_to_enrolment(person):
    require(TwoFactorRequirement.EVERYONE)

    client, response = sign_in(person)

    assert response["Location"] == reverse("mfa_index")
    assert client.session[ENROL_SESSION_KEY] is True


def test_nothing_but_enrolment_and_sign_out_until_enrolled(admin):
    require(TwoFactorRequirement.ADMINS)
    client, _ = sign_in(admin)

    page = client.get(reverse("home"))
    assert page.status_code == 302
    assert page["Location"] == reverse("mfa_index")
    assert client.get(reverse("my-profile"))["Location"] == reverse("mfa_index")
    assert client.get(reverse("manage-people"))["Location"] == reverse("mfa_index")

    refused = client.post(reverse("my-tokens"), {"name": "sneaky"})
    assert refused.status_code == 403
    assert "Set up an authenticator app or a security key" in refused.content.decode()

    api = client.get("/api/v1/people/me")
    assert api.status_code == 403
    assert "two-factor sign-in" in api.json()["detail"]

    polling = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert polling.status_code == 286  # htmx stops polling; nothing shown
    assert polling.content == b""
    htmx = client.post(reverse("my-tokens"), {"name": "x"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 403
    assert htmx["HX-Redirect"] == reverse("mfa_index")

    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    out = client.post(reverse("account_logout"))
    assert out.status_code == 302
    assert not is_signed_in(client)


def test_enrolling_an_authenticator_app_opens_the_site(admin, django_capture_on_commit_callbacks):
    require(TwoFactorRequirement.ADMINS)
    client, _ = sign_in(admin)

    form_page = client.get(reverse("mfa_activate_totp"))
    secret = form_page.context["form"].secret
    body = form_page.content.decode()
    assert secret in body
    assert 'alt="QR code to scan with your authenticator app' in body
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    if code_now(secret) != "000000":
        assert wrong.status_code == 200
        assert "That code is not right" in wrong.content.decode()
        assert not Authenticator.objects.filter(user=admin).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})

    assert done.status_code == 302
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("my-profile")).status_code == 200
    assert ENROL_SESSION_KEY not in client.session
    entry = AuditEntry.objects.get(action="two_factor.add", data__kind="totp")
    assert entry.actor_id == admin.pk
    assert entry.target_id == admin.pk


def test_a_required_factor_cannot_be_removed(admin):
    require(TwoFactorRequirement.ADMINS)
    with_totp(admin)
    client = signed_in_again(admin)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "requires two-factor sign-in for you" in response.content.decode()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()


def test_removing_a_factor_is_audited_when_not_required(person, django_capture_on_commit_callbacks):
    with_totp(person)
    client = signed_in_again(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert AuditEntry.objects.filter(action="two_factor.remove", actor=person).exists()


def test_a_stricter_setting_sends_open_sessions_to_enrolment(
    admin, person, django_capture_on_commit_callbacks
):
    client, _ = sign_in(person)
    assert client.get(reverse("my-profile")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        do_update_organisation(actor=admin, two_factor_required_for=TwoFactorRequirement.EVERYONE)

    assert client.get(reverse("my-profile"))["Location"] == reverse("mfa_index")


def test_a_new_admin_is_sent_to_enrolment_when_admins_must(
    admin, person, django_capture_on_commit_callbacks
):
    require(TwoFactorRequirement.ADMINS)
    client, _ = sign_in(person)
    assert client.get(reverse("my-profile")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        do_set_org_admin(person, True, actor=admin)

    assert client.get(reverse("my-profile"))["Location"] == reverse("mfa_index")


def test_a_relaxed_setting_lets_a_marked_session_through(person):
    require(TwoFactorRequirement.EVERYONE)
    client, _ = sign_in(person)
    assert client.get(reverse("my-profile")).status_code == 302

    require(TwoFactorRequirement.NOBODY)

    assert client.get(reverse("my-profile")).status_code == 200
    assert ENROL_SESSION_KEY not in client.session


def test_manage_organisation_saves_the_requirement(admin):
    client = Client()
    client.force_login(admin)
    data = {"name": "Northwind", "allowed_domains": "", "two_factor_required_for": "admins"}

    response = client.post(reverse("manage-organisation"), data)

    assert response.status_code == 302
    assert Organisation.current().two_factor_required_for == TwoFactorRequirement.ADMINS
    page = client.get(reverse("manage-organisation")).content.decode()
    assert "Require two-factor sign-in for" in page
    bad = client.post(reverse("manage-organisation"), {**data, "two_factor_required_for": "x"})
    assert bad.status_code == 400
    assert "Choose who must use two-factor sign-in." in bad.content.decode()


# --- Signing in with a second factor ------------------------------------------------------


def test_sign_in_asks_for_a_code_and_accepts_the_right_one(person):
    secret, _ = with_totp(person)
    client, response = sign_in(person)
    assert response["Location"] == reverse("mfa_authenticate")
    step = client.get(reverse("mfa_authenticate")).content.decode()
    assert "One more step" in step
    assert "Use a security key" not in step  # they have none
    assert not is_signed_in(client)

    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not is_signed_in(client)

    right = client.post(reverse("mfa_authenticate"), {"code": code_now(secret)})
    assert right.status_code == 302
    assert is_signed_in(client)


def test_a_recovery_code_signs_in_once_only(person, django_capture_on_commit_callbacks):
    _, codes = with_totp(person)
    client, _ = sign_in(person)

    with django_capture_on_commit_callbacks(execute=True):
        used = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert used.status_code == 302
    assert is_signed_in(client)
    assert AuditEntry.objects.filter(action="two_factor.recovery_code_use", actor=person).exists()

    again, _ = sign_in(person)
    refused = again.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert not is_signed_in(again)
    assert again.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_mfa_pages_use_our_layout(person):
    with_totp(person)
    client = signed_in_again(person)

    for name in ("mfa_index", "mfa_view_recovery_codes", "mfa_add_webauthn", "mfa_list_webauthn"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert 'class="site-header' in body or "<header" in body, name
