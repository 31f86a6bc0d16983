"""A person downloads their data from My account, on a desktop and a phone."""

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, check_page, horizontal_overflow, snap
from afterclass.people.actions import do_update_organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space


def test_person_downloads_their_data(open_page):
    admin = AdminFactory()
    do_update_organisation(actor=admin, name="Northwind")
    mia = PersonFactory(display_name="Mia Mine")
    space = make_space(admin, name="Data skills")
    add_member(space, mia)
    make_post(space, mia, title="What I learned this week")

    page = open_page(as_person=mia)
    page.goto("/me/")
    page.get_by_role("link", name="Download my data").click()
    expect(page.get_by_role("heading", name="Download my data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="No export yet")).to_be_visible()
    check_page(page, "download my data, none yet")
    page.get_by_role("button", name="Prepare my data").click()
    expect(page.get_by_text("The export is being built")).to_be_visible()
    # The journey's server runs tasks as they are enqueued: reload until it says ready.
    for _ in range(20):
        if page.get_by_text("Ready to download").count():
            break
        page.wait_for_timeout(250)
        page.reload()
    link = page.get_by_role("link", name="Download the zip")
    expect(link).to_be_visible()
    snap(page, "export-desktop")
    with page.expect_download() as caught:
        link.click()
    assert caught.value.suggested_filename.endswith(".zip")

    phone = open_page(as_person=mia, viewport=PHONE)
    phone.goto("/me/data/")
    expect(phone.get_by_role("link", name="Download the zip")).to_be_visible()
    assert horizontal_overflow(phone) is None, horizontal_overflow(phone)
    snap(phone, "export-phone")
    narrow = open_page(as_person=mia, viewport={"width": 320, "height": 640})
    narrow.goto("/me/data/")
    assert horizontal_overflow(narrow) is None, horizontal_overflow(narrow)


def test_admin_exports_a_persons_data_for_a_subject_access_request(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    do_update_organisation(actor=admin, name="Northwind")
    mia = PersonFactory(display_name="Mia Mine")

    page = open_page(as_person=admin)
    page.goto(f"/manage/people/{mia.pk}/")
    page.get_by_role("link", name="export the data of Mia Mine").click()
    expect(page.get_by_role("heading", name="Export the data of Mia Mine", level=1)).to_be_visible()
    page.get_by_role("button", name="Prepare the export").click()
    for _ in range(20):
        if page.get_by_text("Ready to download").count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.get_by_role("link", name="Download the zip")).to_be_visible()
    snap(page, "subject-access-desktop")
    check_page(page, "subject-access export ready")

    phone = open_page(as_person=admin, viewport={"width": 320, "height": 640})
    phone.goto(f"/manage/people/{mia.pk}/export/")
    assert horizontal_overflow(phone) is None, horizontal_overflow(phone)
    snap(phone, "subject-access-320")
