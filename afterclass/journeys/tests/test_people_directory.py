"""The people directory searches as you type: htmx swaps the results, the page stays; a profile
shows what the person contributed."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, snap
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.posts.actions import do_accept_answer, do_react
from afterclass.posts.models import PostKind, ReactionKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search.index import rebuild
from afterclass.spaces.models import Visibility
from afterclass.spaces.tests.factories import add_member, make_space

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


def test_profile_shows_what_a_colleague_contributed(open_page):
    """A profile shows the person's posts, answers and spaces that the viewer may see (axe and
    the phone widths are checked on every page a journey opens)."""
    viewer = PersonFactory(display_name="Alex Morgan")
    author = PersonFactory(
        display_name="Priya Shah", job_title="Payroll analyst", interests=["Excel", "payroll"]
    )
    owner = PersonFactory()
    space = make_space(owner, name="Spreadsheet clinic")
    secret = make_space(owner, name="Hush project", visibility=Visibility.SECRET)
    for person in (viewer, author):
        add_member(space, person)
    add_member(secret, author)
    make_post(space, author, title="A pivot table that explains itself")
    make_post(secret, author, title="Codename Okapi")
    question = make_post(space, viewer, kind=PostKind.QUESTION, title="How do I lock a header row?")
    answer = make_comment(question, author, body="View, then Freeze panes.")
    do_accept_answer(question, answer, actor=viewer)
    do_react(actor=viewer, kind=ReactionKind.HELPED, comment=answer)

    page = open_page(as_person=viewer)
    page.goto(f"/people/{author.pk}/")
    expect(page.get_by_role("heading", name="Ask me about")).to_be_visible()
    stats = page.get_by_role("list", name="Contributions you can see")
    expect(stats).to_contain_text("1 post")
    expect(stats).to_contain_text("1 answer")
    expect(stats).to_contain_text("1 accepted")
    expect(stats).to_contain_text("helped 1 colleague")
    expect(page.get_by_role("link", name="A pivot table that explains itself")).to_be_visible()
    expect(page.get_by_role("link", name="How do I lock a header row?")).to_be_visible()
    expect(page.get_by_role("link", name="Spreadsheet clinic", exact=True)).to_be_visible()
    # Their accepted answer there makes them a go-to colleague for it (posts.experts).
    expect(page.get_by_role("list", name="Go-to for")).to_contain_text("Spreadsheet clinic (1)")
    expect(page.locator("main")).not_to_contain_text("Okapi")
    expect(page.locator("main")).not_to_contain_text("Hush project")
    snap(page, "04-profile-contributions")
    page.set_viewport_size({"width": 390, "height": 844})
    snap(page, "05-profile-contributions-phone")
