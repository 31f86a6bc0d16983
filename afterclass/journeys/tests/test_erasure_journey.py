"""An organisation admin erases a person from Manage → People → the person → Erase: a wrong
confirmation is refused, the right one erases them; on a desktop and a phone."""

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, check_page, horizontal_overflow, snap
from afterclass.people.actions import do_update_organisation
from afterclass.people.models import Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space


def test_admin_erases_a_person_keeping_their_content(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    do_update_organisation(actor=admin, name="Northwind")
    # A long address, as real ones are: the confirmation page must still fit 320 px.
    zoe = PersonFactory(
        display_name="Zoe Quartermaine",
        email="zoe.quartermaine-whitfield.analytics@northwind-learning.example.org",
    )
    space = make_space(admin, name="Data skills")
    add_member(space, zoe)
    post = make_post(space, zoe, title="My notes on dashboards", body="Keep them short.")

    # The wrong confirmation is answered with a 400, which Chromium logs as a failed load.
    refused = "the server responded with a status of 400"
    page = open_page(as_person=admin, expected=(refused,))
    page.goto("/manage/people/")
    page.get_by_role("link", name="Zoe Quartermaine").first.click()
    page.get_by_role("link", name="erase Zoe Quartermaine").click()
    expect(page.get_by_role("heading", name="Erase Zoe Quartermaine", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="What erasing does")).to_be_visible()
    # The organisation's default (keep) is chosen already.
    expect(page.get_by_label("Keep them, shown as “Former colleague”")).to_be_checked()
    check_page(page, "erasure confirmation")
    snap(page, "erase-desktop")

    page.get_by_label("Type their e-mail address to confirm").fill("zoe@wrong.example.org")
    page.get_by_role("button", name="Erase Zoe Quartermaine").click()
    expect(page.get_by_text("type the person's e-mail address exactly")).to_be_visible()
    check_page(page, "erasure refused")
    snap(page, "erase-refused-desktop")
    assert Person.objects.get(pk=zoe.pk).is_active

    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto(f"/manage/people/{zoe.pk}/erase/")
    assert horizontal_overflow(phone) is None, horizontal_overflow(phone)
    snap(phone, "erase-phone")

    page.get_by_label("Type their e-mail address to confirm").fill(zoe.email)
    page.get_by_role("button", name="Erase Zoe Quartermaine").click()
    expect(page.get_by_text("The erasure has started")).to_be_visible()
    # The journey's server runs tasks as they are enqueued: reload until it says done.
    for _ in range(20):
        if page.get_by_role("heading", name="Erased", level=2).count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.get_by_role("heading", name="Erase Former colleague", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Erased", level=2)).to_be_visible()
    check_page(page, "erasure done")
    snap(page, "erased-desktop")

    page.goto(f"/posts/{post.pk}/")
    expect(page.get_by_text("Former colleague").first).to_be_visible()
    expect(page.get_by_text("Zoe Quartermaine")).to_have_count(0)
    snap(page, "kept-post-desktop")
    assert Post.objects.filter(pk=post.pk).exists()

    narrow = open_page(as_person=admin, viewport={"width": 320, "height": 640})
    narrow.goto(f"/manage/people/{zoe.pk}/")
    expect(narrow.get_by_text("Erased").first).to_be_visible()
    assert horizontal_overflow(narrow) is None, horizontal_overflow(narrow)
    snap(narrow, "erased-person-320")
