"""The layout every page shares: the header works with the keyboard, pages fit a phone."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, horizontal_overflow, snap
from afterclass.people.actions import do_update_organisation
from afterclass.people.tests.factories import AdminFactory, DepartmentFactory, PersonFactory
from afterclass.spaces.actions import do_join_space
from afterclass.spaces.models import JoinPolicy
from afterclass.spaces.tests.factories import add_member, make_space

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    name: (element.getAttribute("aria-label") || (element.labels && element.labels.length
      ? element.labels[0].textContent : "") || element.innerText || element.textContent
      || "").trim(),
    inHeader: element.closest("header.site-header") !== null || element.matches(".skip"),
    focusVisible: element.matches(":focus-visible"),
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
  };
}"""


def test_header_links_are_reached_with_tab_and_show_focus(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    do_update_organisation(actor=admin, name="Northwind")
    page = open_page(as_person=admin)
    page.goto("/spaces/")
    expect(page.get_by_role("heading", name="Spaces", exact=True)).to_be_visible()

    reached = []
    for _ in range(16):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inHeader"]:
            break
        reached.append(focused)
        if focused["name"] == "People":
            snap(page, "header-focus-on-people")

    names = [focused["name"] for focused in reached]
    assert names == [
        "Skip to content",
        "Northwind",
        "Search",
        "Feed",
        "Spaces",
        "My learning",
        "People",
        "Surveys",
        "Manage",
        "Insights",
        "Notifications, 0 unread",
        "Alex Morgan",
        "Sign out",
    ]
    for focused in reached:
        assert focused["focusVisible"], f"{focused['name']} has no :focus-visible"
        assert focused["outline"] != "none", f"{focused['name']} shows no focus outline"
        assert focused["outlineWidth"] >= 2, f"{focused['name']} has a thin focus outline"

    # The first Tab offers the skip link; following it puts the next Tab inside the content.
    page.goto("/spaces/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_space_pages_fit_a_phone_without_sideways_scrolling(open_page):
    owner = AdminFactory(display_name="Alex Morgan", job_title="Learning and development lead")
    space = make_space(
        owner,
        name="Customer conversations that go well",
        description="Follow-up to the customer service course: practise, ask, share.",
        purpose=(
            "A place to keep practising what the customer conversations course taught: bring a "
            "real conversation that went badly, ask how others would have handled it, and "
            "share scripts and phrases that worked. "
            "Reading: https://intranet.example.org/learning/customer-conversations/handbook-2025"
        ),
        rules=(
            "1. **Be kind.** Everyone here is learning.\n"
            "2. No customer names or account numbers, ever.\n"
            "3. Questions are welcome, even the ones you think are obvious."
        ),
        join_policy=JoinPolicy.REQUEST,
        membership_questions=["Which session of the course did you attend?"],
    )
    for number in range(3):
        add_member(space, PersonFactory(department=DepartmentFactory(name=f"Branch {number}")))
    do_join_space(
        space,
        actor=PersonFactory(display_name="Priya Shah"),
        answers=[
            "The March session in Leeds. I manage a team of six on the help desk and want "
            "to practise calming down upset callers."
        ],
    )
    page = open_page(as_person=owner, viewport=PHONE)

    pages = {
        "space-home": f"/spaces/{space.slug}/",
        "space-rules": f"/spaces/{space.slug}/rules/",
        "space-members": f"/spaces/{space.slug}/members/",
        "space-requests": f"/spaces/{space.slug}/requests/",
        "space-directory": "/spaces/",
        "people-directory": "/people/",
        "space-insights": f"/spaces/{space.slug}/insights/",
        "space-report": f"/spaces/{space.slug}/insights/report/",
        "organisation-insights": "/insights/",
    }
    too_wide = []
    for name, path in pages.items():
        page.goto(path)
        snap(page, f"phone-{name}")
        if overflow := horizontal_overflow(page):
            too_wide.append(f"{path} is {overflow}")
    assert not too_wide, "Pages that scroll sideways on a phone:\n" + "\n".join(too_wide)
