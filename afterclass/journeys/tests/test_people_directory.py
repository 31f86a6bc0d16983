"""The people directory searches as you type: htmx swaps the results, the page stays."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, snap
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.search.index import rebuild

SEARCH_LABEL = "Search people"


def test_people_directory_search_updates_results_without_reload(open_page):
    finance = DepartmentFactory(name="Finance")
    engineering = DepartmentFactory(name="Engineering")
    viewer = PersonFactory(display_name="Alex Morgan", department=engineering)
    PersonFactory(display_name="Tomasz Nowak", job_title="Site engineer", department=engineering)
    PersonFactory(display_name="Priya Shah", job_title="Payroll analyst", department=finance)
    PersonFactory(display_name="Grace Okafor", job_title="Buyer", department=finance)
    rebuild()  # the directory's search is the search engine's
    page = open_page(as_person=viewer)
    page.goto("/people/")
    cards = page.locator("#results .person-card")
    expect(cards).to_have_count(4)
    snap(page, "01-people-directory")

    mark_document(page)
    with page.expect_request(lambda request: "q=Nowak" in request.url) as search:
        page.get_by_label(SEARCH_LABEL).press_sequentially("Nowak")
    assert search.value.header_value("HX-Request") == "true"
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Tomasz Nowak")
    expect(page).to_have_url(re.compile(r"[?&]q=Nowak"))
    snap(page, "02-people-search-nowak")

    page.get_by_label(SEARCH_LABEL).fill("")
    expect(cards).to_have_count(4)
    page.get_by_label("Department").select_option(label="Finance")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="Priya Shah")).to_have_count(1)
    expect(cards.filter(has_text="Grace Okafor")).to_have_count(1)
    assert is_same_document(page), "searching reloaded the page instead of swapping the results"
    snap(page, "03-people-filter-finance")
