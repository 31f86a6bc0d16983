"""Searching from the header: results as you type (htmx), then the full results page."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import (
    PHONE,
    check_page,
    is_same_document,
    mark_document,
    snap,
)
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.search.index import rebuild
from afterclass.spaces.tests.factories import add_member, make_space


def _searchable_world():
    Organisation.current()
    owner = PersonFactory(display_name="Olive Owner")
    viewer = PersonFactory(display_name="Vic Viewer")
    space = make_space(owner, name="Data skills", slug="data")
    add_member(space, viewer)
    make_post(space, owner, title="Pivot tables in practice", body="Summarise rows quickly.")
    make_post(space, owner, kind="question", title="Pivot or formula?", body="Which is faster?")
    make_post(space, owner, title="Charts", body="A pivot chart shows trends.")
    rebuild()
    return viewer


def test_header_search_is_a_combobox_with_grouped_suggestions(open_page):
    viewer = _searchable_world()
    page = open_page(as_person=viewer)
    # The bell loads its count after the page: measure the header once it has settled.
    with page.expect_response(lambda response: "/notifications/bell/" in response.url):
        page.goto("/feed/")
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    mark_document(page)
    nav_top = page.get_by_role("navigation", name="Main").get_by_role("link", name="Feed")
    before = nav_top.bounding_box()
    box = page.get_by_role("combobox", name="Search")
    expect(box).to_have_attribute("aria-expanded", "false")
    with page.expect_request(lambda request: "q=pivot" in request.url) as asked:
        box.press_sequentially("pivot")
    assert asked.value.header_value("HX-Target") == "search-quick-results"
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("group", name="Question")).to_be_visible()
    expect(listbox.get_by_role("group", name="Discussion")).to_be_visible()
    expect(listbox.get_by_role("option", name="See all results for “pivot”")).to_be_visible()
    assert is_same_document(page), "typing reloaded the page instead of swapping results"
    # An overlay: the navigation does not move, and the list is over the page, not in the header.
    assert nav_top.bounding_box() == before
    header = page.locator(".site-header").bounding_box()
    assert listbox.bounding_box()["y"] + listbox.bounding_box()["height"] > header["height"]
    page.check_accessibility("the search suggestions open")
    snap(page, "01-suggestions")
    check_page(page, "search suggestions open")

    # Focus stays in the box; the arrow keys move the active option, wrapping round.
    options = listbox.get_by_role("option")
    count = options.count()
    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    box.press("ArrowUp")
    expect(options.nth(count - 1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    snap(page, "02-active-option")

    # Escape closes and keeps the words; blur closes too.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("pivot")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(listbox).to_be_hidden()

    # Enter opens the active option.
    box.focus()
    box.press("ArrowDown")
    chosen = options.nth(0).inner_text()
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)


def test_header_search_see_all_and_enter_without_a_choice_open_the_results_page(open_page):
    viewer = _searchable_world()
    page = open_page(as_person=viewer)
    page.goto("/feed/")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("pivot")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    box.press("ArrowUp")  # the last option: see all results
    expect(listbox.get_by_role("option").last).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(3)
    expect(page.get_by_role("search", name="Search with filters")).to_be_visible()

    box = page.get_by_role("combobox", name="Search")
    box.fill("")
    box.press_sequentially("charts")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    box.press("Enter")  # no option chosen: the search page for the words
    expect(page).to_have_url(re.compile(r"/search/\?q=charts"))
    expect(page.locator(".search-hit").first).to_contain_text("Charts")


def test_header_search_suggestions_on_a_phone(open_page):
    viewer = _searchable_world()
    page = open_page(as_person=viewer, viewport=PHONE)
    page.goto("/feed/")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("pivot")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    snap(page, "03-suggestions-phone")
    check_page(page, "search suggestions open")


def test_space_search_box_searches_only_that_space_then_everywhere(open_page):
    Organisation.current()
    owner = PersonFactory(display_name="Olive Owner")
    viewer = PersonFactory(display_name="Vic Viewer")
    space = make_space(owner, name="Data skills", slug="data")
    other = make_space(owner, name="Finance club", slug="finance")
    add_member(space, viewer)
    add_member(other, viewer)
    make_post(space, owner, title="Pivot tables in practice", body="Summarise rows quickly.")
    make_post(other, owner, title="Budget pivot", body="Pivot the budget by month.")
    rebuild()
    page = open_page(as_person=viewer)
    page.goto(f"/spaces/{space.slug}/")
    page.get_by_label("Words to find in Data skills").fill("pivot")
    page.get_by_role("button", name="Search this space").click()
    expect(page.get_by_role("heading", name="Search Data skills")).to_be_visible()
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Pivot tables in practice")
    expect(page.get_by_text("Only in Data skills.")).to_be_visible()
    snap(page, "03-space-search")

    page.get_by_role("link", name="Search everywhere").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    expect(hits).to_have_count(2)
    snap(page, "04-search-everywhere")
