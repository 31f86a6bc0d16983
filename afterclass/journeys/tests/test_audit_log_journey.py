"""An organisation admin reads the audit log and filters it, on a desktop and a phone."""

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, check_page, horizontal_overflow, snap
from afterclass.people.actions import do_set_active, do_set_org_admin, do_update_organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.actions import do_set_member_role
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space


def test_admin_filters_the_audit_log(open_page):
    admin = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    do_update_organisation(actor=admin, name="Northwind")
    sam = PersonFactory(display_name="Sam Rivera")
    space = make_space(admin, name="Data skills")
    membership = add_member(space, sam)
    do_set_member_role(space, membership.pk, Role.MODERATOR, actor=admin)
    do_set_org_admin(sam, True, actor=admin)
    do_set_active(PersonFactory(display_name="Former Colleague"), False, actor=admin)

    page = open_page(as_person=admin)
    page.goto("/manage/people/")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    entries = page.locator(".audit-entry")
    expect(entries.get_by_text("person.deactivate")).to_be_visible()
    snap(page, "audit-log-desktop")
    check_page(page, "audit log")

    page.get_by_label("Action").select_option("membership.role")
    page.get_by_label("Space").select_option(label="Data skills")
    page.get_by_role("button", name="Show").click()
    expect(entries.get_by_text("person.deactivate")).to_have_count(0)
    expect(entries).to_have_count(1)
    expect(entries.get_by_text("membership.role")).to_be_visible()
    assert "action=membership.role" in page.url
    snap(page, "audit-log-filtered")
    download = page.get_by_role("link", name="Download these entries (CSV)")
    with page.expect_download() as caught:
        download.click()
    assert caught.value.suggested_filename.startswith("audit-log-")

    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto("/manage/audit/")
    expect(phone.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    assert horizontal_overflow(phone) is None, horizontal_overflow(phone)
    snap(phone, "audit-log-phone")
    narrow = open_page(as_person=admin, viewport={"width": 320, "height": 640})
    narrow.goto("/manage/audit/")
    assert horizontal_overflow(narrow) is None, horizontal_overflow(narrow)
    snap(narrow, "audit-log-320")
