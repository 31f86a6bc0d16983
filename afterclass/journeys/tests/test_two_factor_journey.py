"""Two-factor sign-in and sessions in the browser: an admin the organisation requires it of is
led to enrol an authenticator app right after signing in, then signs in with a code; someone
adds a security key through Chromium's virtual authenticator (WebAuthn over CDP) and signs in
with it, as a second step and as a passkey; a person sees where they are signed in and signs
the other devices out. axe and the 320/390 px widths are checked on every page (conftest)."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.audit.models import AuditEntry
from afterclass.journeys.tests.browser import PHONE, snap
from afterclass.people.models import Organisation, TwoFactorRequirement
from afterclass.people.tests.factories import AdminFactory, PersonFactory

PASSWORD = "demo-password"


def require(who: str) -> None:
    Organisation.objects.update_or_create(
        pk=1, defaults={"name": "Northwind", "two_factor_required_for": who}
    )


def code_for(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def type_password(page: Page, email: str, origin: str = "") -> None:
    login = reverse("account_login")  # also loads the URLs before the server's first request
    if login not in page.url:
        page.goto(f"{origin}{login}")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def virtual_authenticator(page: Page) -> Any:
    """Chromium's virtual authenticator, a platform one (like Touch ID) that keeps passkeys and
    always verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_admin_must_enrol_an_authenticator_app_then_signs_in_with_a_code(open_page):
    require(TwoFactorRequirement.ADMINS)
    admin = AdminFactory(email="ada@example.org", display_name="Ada Admin")
    page = open_page()

    type_password(page, admin.email)

    # Led to enrolment at once, and nothing else opens until it is done.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("requires two-factor sign-in for you")).to_be_visible()
    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    snap(page, "enrol-first")
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    snap(page, "totp-enrolment-desktop")
    page.set_viewport_size(PHONE)
    snap(page, "totp-enrolment-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Authenticator code").fill("000000" if code_for(secret) != "000000" else "1")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    page.get_by_role("link", name="Go to my spaces").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/people/$"))
    assert AuditEntry.objects.filter(action="two_factor.add", actor=admin).exists()

    # Next time: the password, then a code from the app.
    sign_out(page)
    type_password(page, admin.email)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    snap(page, "code-step")
    expect(page.get_by_role("button", name="Use a security key or passkey")).to_have_count(0)
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    page.goto("/me/sessions/")
    expect(page.get_by_role("heading", name="Sessions and tokens")).to_be_visible()


def test_security_key_enrolment_and_sign_in_with_chromiums_virtual_authenticator(
    open_page, live_server
):
    require(TwoFactorRequirement.EVERYONE)
    person = PersonFactory(email="kofi@example.org", display_name="Kofi Mensah")
    # WebAuthn refuses an IP address as the site's identity: the journey uses localhost, which
    # Chromium treats as a secure origin over plain HTTP, on the same live server.
    origin = live_server.url.replace("127.0.0.1", "localhost")
    page = open_page()
    virtual_authenticator(page)

    type_password(page, person.email, origin)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.get_by_role("link", name="Add a security key or passkey").click()
    expect(page.get_by_role("heading", name="Add a security key or passkey")).to_be_visible()
    page.get_by_label("Name").fill("Laptop key")
    page.get_by_label("Also a passkey").check()
    snap(page, "webauthn-add")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    key = Authenticator.objects.get(user=person, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Laptop key"
    page.goto(f"{origin}/accounts/2fa/webauthn/")
    expect(page.get_by_role("cell", name="Laptop key", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Passkey", exact=True)).to_be_visible()

    # The key as the second step after the password.
    sign_out(page)
    type_password(page, person.email, origin)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_role("button", name="Use a security key or passkey").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    page.goto(f"{origin}/me/sessions/")
    expect(page.get_by_text("This device")).to_be_visible()

    # And as a passkey, with no password at all.
    sign_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{origin}/me/")
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()


def test_sessions_page_and_signing_out_other_devices(open_page):
    person = PersonFactory(email="ines@example.org", display_name="Inês Duarte")
    phone = open_page(viewport=PHONE)
    type_password(phone, person.email)
    expect(phone).not_to_have_url(re.compile(r"/accounts/login/"))
    desk = open_page()
    type_password(desk, person.email)
    expect(desk).not_to_have_url(re.compile(r"/accounts/login/"))

    desk.goto("/me/")
    desk.get_by_role("link", name="Sessions and tokens").click()
    expect(desk.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    expect(desk.locator(".session")).to_have_count(2)
    expect(desk.get_by_text("This device")).to_have_count(1)
    expect(desk.get_by_text("127.0.0.0/24").first).to_be_visible()
    assert "127.0.0.1" not in desk.content()
    snap(desk, "sessions-desktop")
    phone.goto("/me/sessions/")
    expect(phone.locator(".session")).to_have_count(2)
    snap(phone, "sessions-phone")

    desk.get_by_role("button", name="Sign out all other sessions").click()
    expect(desk.get_by_text("Signed out everywhere else: 1 other session ended.")).to_be_visible()
    expect(desk.locator(".session")).to_have_count(1)
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
