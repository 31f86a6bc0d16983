"""Searching from the header: results as you type (htmx), then the full results page."""

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, snap
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.search.index import rebuild
from afterclass.spaces.tests.factories import add_member, make_space


def test_header_search_shows_results_as_you_type_then_the_results_page(open_page):
    Organisation.current()
    owner = PersonFactory(display_name="Olive Owner")
    viewer = PersonFactory(display_name="Vic Viewer")
    space = make_space(owner, name="Data skills", slug="data")
    add_member(space, viewer)
    make_post(space, owner, title="Pivot tables in practice", body="Summarise rows quickly.")
    make_post(space, owner, title="Charts", body="A pivot chart shows trends.")
    rebuild()
    page = open_page(as_person=viewer)
    page.goto("/feed/")
    mark_document(page)
    box = page.get_by_role("searchbox", name="Search")
    with page.expect_request(lambda request: "q=pivot" in request.url) as asked:
        box.press_sequentially("pivot")
    assert asked.value.header_value("HX-Target") == "search-quick-results"
    quick = page.locator("#search-quick-results li a")
    expect(quick.first).to_contain_text("Pivot tables in practice")
    assert is_same_document(page), "typing reloaded the page instead of swapping results"
    snap(page, "01-quick-results")

    box.press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    expect(hits.first.locator("mark").first).to_have_text("Pivot")
    snap(page, "02-results-page")


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
