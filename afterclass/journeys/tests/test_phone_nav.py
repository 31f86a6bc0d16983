"""The phone's bottom bar (issue 14, The look): at 390 px the main sections (feed, spaces,
notifications with the bell's count, learning, profile) sit in a fixed bar at the bottom with
icons and short labels; every link of it works, the page's last control is never under it,
Tab meets it after the header and before the content; at 1280 px it is hidden."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import DESKTOP, PHONE, horizontal_overflow, snap
from afterclass.notifications.models import Notification
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space

# The last control a person can reach in the page (not in the bar), and where it ends.
LAST_CONTROL_BOTTOM = """() => {
  const controls = Array.from(document.querySelectorAll(
    "main a[href], main button, main input, main select, main textarea, main summary, footer a"))
    .filter((element) => element.getClientRects().length > 0);
  const last = controls[controls.length - 1];
  return last.getBoundingClientRect().bottom;
}"""
FOOTER_BOTTOM = "() => document.querySelector('.site-footer').getBoundingClientRect().bottom"
FOCUSED = """() => {
  const element = document.activeElement;
  return {
    name: (element.getAttribute("aria-label") || element.innerText || "").trim(),
    inBar: element.closest("nav.tabbar") !== null,
    inMain: element.closest("main") !== null,
  };
}"""


def _world():
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, name="Data skills", slug="data-skills")
    reader = add_member(space, PersonFactory(display_name="Rita Reader")).person
    for number in range(12):
        make_post(space, owner, title=f"Pivot tables, part {number}", body="Rows into columns.")
    for message in ("Olive replied to your comment", "Olive mentioned you"):
        Notification.objects.create(
            recipient=reader, kind="reply", message=message, url="/spaces/data-skills/",
            space=space, actor=owner,
        )  # fmt: skip
    return reader


def test_bottom_bar_on_a_phone(open_page):
    reader = _world()
    page = open_page(as_person=reader, viewport=PHONE)
    with page.expect_response(lambda response: "/notifications/bell/" in response.url):
        page.goto("/feed/")
    bar = page.get_by_role("navigation", name="Sections")
    expect(bar).to_be_visible()
    # The bell's count reaches the bar with the header's own request.
    bell = bar.get_by_role("link", name="Notifications, 2 unread")
    expect(bell).to_be_visible()
    expect(bell.locator(".tab-count")).to_have_text("2")
    # In the header, the sections the bar has are not shown twice.
    expect(page.locator(".site-header").get_by_role("link", name="Feed")).to_be_hidden()
    box = bar.bounding_box()
    assert box is not None
    assert abs(box["y"] + box["height"] - PHONE["height"]) < 1, box
    snap(page, "phone-feed-with-bar")

    # Nothing is left under the bar: at the end of the page, the last control and the footer
    # end above its top.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    top = bar.bounding_box()["y"]
    assert page.evaluate(LAST_CONTROL_BOTTOM) <= top
    assert page.evaluate(FOOTER_BOTTOM) <= top
    snap(page, "phone-feed-end")

    # Every link of the bar goes where it says, and says where one is.
    for name, path, heading in (
        ("Spaces", "/spaces/", "Spaces"),
        (re.compile(r"^Notifications"), "/notifications/", "Notifications"),
        ("Learning", "/learning/", None),
        ("Profile", "/me/", None),
        ("Feed", "/feed/", None),
    ):
        bar.get_by_role("link", name=name).click()
        expect(page).to_have_url(re.compile(re.escape(path)))
        if heading:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        if name != re.compile(r"^Notifications"):
            expect(bar.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
        assert horizontal_overflow(page) is None
    snap(page, "phone-bar-back-on-feed")

    # Keyboard: skip link, the header (with the search), the bar from left to right, the content.
    page.goto("/feed/")
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        stops.append(now)
        if now["inMain"]:
            break
    names = [stop["name"] for stop in stops if stop["inBar"]]
    assert names == ["Feed", "Spaces", "Notifications, 2 unread", "Learning", "Profile"], stops
    first_in_bar = next(i for i, stop in enumerate(stops) if stop["inBar"])
    assert not any(stop["inBar"] for stop in stops[first_in_bar + 5 :]), stops
    assert stops[-1]["inMain"], stops
    assert stops[0]["name"] == "Skip to content"

    # No sideways scrolling at 320 px with the bar.
    page.set_viewport_size({"width": 320, "height": 640})
    assert horizontal_overflow(page) is None
    expect(bar).to_be_visible()
    snap(page, "phone-320")


def test_bottom_bar_is_hidden_on_a_desktop(open_page):
    reader = _world()
    page = open_page(as_person=reader, viewport=DESKTOP)
    page.goto("/feed/")
    expect(page.get_by_role("navigation", name="Sections")).to_be_hidden()
    header = page.get_by_role("navigation", name="Main")
    expect(header.get_by_role("link", name="Feed")).to_be_visible()
    expect(header.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    # The page keeps no room for a bar it does not show.
    assert page.evaluate("getComputedStyle(document.body).paddingBottom") == "0px"
    snap(page, "desktop-header-with-icons")
