"""The keyboard-only journey (issue 12, "Keep it fixed"): sign in, open a space, ask, answer,
accept, react, open the notifications and search with the arrow keys, with Tab, Enter, Space,
the arrows and Escape only. At every stop focus is visible (:focus-visible and an outline of at
least 2 px), and after an in-place (htmx) update it is never on <body>. Then the confirm dialogs
of banning and leaving: Escape cancels and gives focus back, confirming acts. The journey runs
at desktop size and at 390 px, where the header wraps and every control must still be reached
with Tab and show its focus."""

import contextlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from afterclass.journeys.tests import accessibility
from afterclass.journeys.tests.browser import (
    DESKTOP,
    PHONE,
    check_page,
    is_same_document,
    mark_document,
    snap,
)
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Comment, Post, Reaction
from afterclass.posts.tests.factories import make_post
from afterclass.search.index import rebuild
from afterclass.spaces.models import Membership, MembershipState
from afterclass.spaces.tests.factories import add_member, make_space

PASSWORD = "demo-password"  # the people factory's
SPACE_NAME = "Excel after the course"
QUESTION = "How do I keep VLOOKUP working when columns move?"
DETAILS = "Someone inserts a column every month and my report shows #REF!."
ANSWER = "Use XLOOKUP: it finds the column by its header."

# What has the focus, and whether a sighted keyboard user can see it.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const name = element.getAttribute("aria-label")
    || (element.labels && element.labels.length ? element.labels[0].textContent : "")
    || element.innerText || element.value || element.textContent || "";
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: name.trim().replace(/\\s+/g, " ").slice(0, 100),
    focusVisible: element.matches(":focus-visible"),
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    shown: box.width > 0 && box.height > 0,
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page: Page, where: str) -> dict:
    """Focus is on an element (not <body>) that shows a focus ring of at least 2 px."""
    now = focused(page)
    what = f"{where}: focus on <{now['tag']}> {now['name']!r}"
    assert now["tag"] != "body", f"{where}: focus fell to <body>"
    assert now["focusVisible"], f"{what} does not match :focus-visible"
    assert now["outline"] != "none", f"{what} shows no outline"
    assert now["outlineWidth"] >= 2, f"{what} has an outline of {now['outlineWidth']}px"
    assert now["shown"], f"{what} is not on screen"
    return now


def checked(page: Page) -> None:
    """axe-core and the phone widths, once per document reached with the keyboard."""
    page.wait_for_load_state("load")
    # Not while a part of the page loads in (htmx dims it: axe would measure the dimmed text).
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")
    if not accessibility.is_checked(page):
        check_page(page, "reached with the keyboard")


def tab_to(page: Page, name: str | re.Pattern[str], *, back: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is called `name`; every stop on the
    way must show its focus."""
    checked(page)
    key = "Shift+Tab" if back else "Tab"
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = assert_focus_visible(page, f"{page.url} after {key} past {stops}")
        stops.append(now["name"])
        matches = name.search(now["name"]) if isinstance(name, re.Pattern) else now["name"] == name
        if matches:
            return now
    raise AssertionError(f"{name!r} not reached with {key} on {page.url}; stops: {stops}")


def press(page: Page, key: str) -> None:
    page.keyboard.press(key)


def sign_in_with_the_keyboard(page: Page, email: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    tab_to(page, re.compile(r"^E-?mail"))
    page.keyboard.type(email)
    tab_to(page, re.compile(r"^Password"))
    page.keyboard.type(PASSWORD)
    follow(page)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def activate(page: Page, key: str = "Enter") -> None:
    """Press a control that updates the page in place (Enter, or Space for a button)."""
    mark_document(page)
    page.keyboard.press(key)


def follow(page: Page, key: str = "Enter") -> None:
    """Press a link or a button that loads another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_in_place(page: Page, where: str) -> dict:
    """An htmx update: the same document, and focus visible, not on <body>."""
    assert is_same_document(page), f"{where} reloaded the page instead of updating it in place"
    # focus.js puts focus back once the swap has settled: give it that moment, not more.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("() => document.activeElement !== document.body", timeout=2_000)
    return assert_focus_visible(page, f"{where} (in place)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_keyboard_only_journey(open_page, viewport):
    Organisation.current()
    owner = AdminFactory(display_name="Alex Morgan")
    asker = PersonFactory(display_name="Dana Whitfield", email="dana@example.org")
    helper = PersonFactory(display_name="Priya Shah", email="priya@example.org")
    space = make_space(owner, name=SPACE_NAME, slug="excel")
    add_member(space, asker)
    add_member(space, helper)
    make_post(space, owner, title="Pivot tables in practice", body="Summarise rows quickly.")
    rebuild()

    # The asker signs in, opens the space and asks.
    page = open_page(viewport=viewport)
    sign_in_with_the_keyboard(page, asker.email)
    tab_to(page, "Spaces")
    follow(page)
    expect(page.get_by_role("heading", name="Spaces", exact=True)).to_be_visible()
    tab_to(page, SPACE_NAME)
    follow(page)
    expect(page.get_by_role("heading", name=SPACE_NAME, level=1)).to_be_visible()
    snap(page, "01-space-home")
    tab_to(page, "Write a post")
    follow(page)
    expect(page.get_by_role("heading", name="Write a post")).to_be_visible()
    tab_to(page, "Question")
    follow(page)
    expect(page.get_by_label("Your question")).to_be_visible()
    tab_to(page, re.compile(r"^Your question"))
    page.keyboard.type(QUESTION)
    tab_to(page, re.compile(r"^Details"))
    page.keyboard.type(DETAILS)
    tab_to(page, "Post")
    follow(page)
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    question = Post.objects.get(title=QUESTION)
    expect(page.get_by_role("article")).to_contain_text("Waiting for an answer")
    snap(page, "02-asked")

    # A colleague signs in, finds the question in the feed and answers it in place.
    other = open_page(viewport=viewport)
    sign_in_with_the_keyboard(other, helper.email)
    tab_to(other, "Feed")
    follow(other)
    tab_to(other, QUESTION)
    follow(other)
    expect(other).to_have_url(re.compile(rf"/posts/{question.pk}/"))
    tab_to(other, re.compile(r"^Your answer"))
    other.keyboard.type(ANSWER)
    tab_to(other, "Post your answer")
    activate(other)
    answer_item = other.locator(".comment").filter(has_text=ANSWER)
    expect(answer_item).to_be_focused()
    expect(other.locator("#announcer")).to_have_text("Your answer is posted. 1 answer.")
    expect(other.locator("#answer-state")).to_have_text("Answered")
    assert_in_place(other, "posting the answer")
    answer = Comment.objects.get(post=question, body=ANSWER)
    snap(other, "03-answered")

    # The asker opens the notification about the answer, accepts it and reacts to it.
    tab_to(page, re.compile(r"^Notifications"), back=True)
    follow(page)
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    tab_to(page, re.compile(r"answered"))
    follow(page)
    expect(page).to_have_url(re.compile(rf"/posts/{question.pk}/"))
    tab_to(page, "Accept this answer")
    follow(page)
    expect(page.locator(".messages")).to_contain_text("The answer is marked as accepted.")
    expect(page).to_have_url(re.compile(rf"#comment-{answer.pk}$"))
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    tab_to(page, re.compile(r"^Like \(answer\)"))
    activate(page, "Space")
    like = page.locator(f"#comment-reactions-{answer.pk}").get_by_role("button", name="Like")
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_be_focused()
    assert_in_place(page, "reacting to the answer")
    assert Reaction.objects.filter(comment=answer, person=asker).exists()
    snap(page, "04-accepted-and-reacted")

    # The colleague opens the notifications and marks the acceptance read in place.
    tab_to(other, re.compile(r"^Notifications, \d+ unread"), back=True)
    follow(other)
    expect(other.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    tab_to(other, re.compile(r"^Mark read ?: .*accepted"))
    activate(other)
    expect(other.get_by_role("button", name=re.compile(r"^Mark read.*accepted"))).to_have_count(0)
    # Focus goes to the notification that was marked, not to the top of the page.
    read = assert_in_place(other, "marking a notification read")
    assert read["tag"] == "li", read
    assert "accepted your answer" in read["name"], read
    snap(other, "05-notifications")

    # The asker searches from the header: arrows to choose, Enter to open.
    tab_to(page, "Search", back=True)
    page.keyboard.type("pivot")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    box = page.get_by_role("combobox", name="Search")
    options = listbox.get_by_role("option")
    press(page, "ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    press(page, "ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    press(page, "ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    assert assert_focus_visible(page, "choosing a suggestion")["id"] == "site-search-q"
    snap(page, "06-search-suggestions")
    press(page, "Escape")
    expect(listbox).to_be_hidden()
    assert_focus_visible(page, "closing the suggestions")
    press(page, "ArrowDown")
    expect(listbox).to_be_visible()
    chosen = options.nth(0).inner_text()
    press(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    tab_to(page, "Skip to content")


def confirm_with_the_keyboard(page: Page, control: re.Pattern[str], confirm: str) -> None:
    """Open a confirm dialog with Enter, cancel it with Escape (focus comes back to the control),
    open it again and confirm with Shift+Tab and Enter."""
    pressed = tab_to(page, control)
    activate(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert assert_focus_visible(page, "the dialog opened")["name"] == "Cancel"
    snap(page, f"confirm-{confirm.lower()}")
    check_page(page, f"the {confirm} dialog open")
    press(page, "Escape")
    expect(dialog).to_be_hidden()
    assert assert_in_place(page, "cancelling with Escape")["name"] == pressed["name"]

    activate(page)
    expect(dialog).to_be_visible()
    assert tab_to(page, confirm, back=True)["tag"] == "button"
    follow(page)
    expect(page.get_by_role("dialog")).to_be_hidden()


def test_ban_and_leave_ask_first_and_work_with_the_keyboard(open_page):
    Organisation.current()
    owner = AdminFactory(display_name="Alex Morgan")
    member = PersonFactory(display_name="Dana Whitfield")
    troll = PersonFactory(display_name="Terry Troll")
    space = make_space(owner, name=SPACE_NAME, slug="excel")
    add_member(space, member)
    add_member(space, troll)

    page = open_page(as_person=owner)
    page.goto(reverse("space-members", args=[space.slug]))
    confirm_with_the_keyboard(page, re.compile(r"^Ban\s*Terry Troll"), "Ban")
    assert Membership.objects.get(space=space, person=troll).state == MembershipState.BANNED

    page = open_page(as_person=member)
    page.goto(reverse("space-home", args=[space.slug]))
    confirm_with_the_keyboard(page, re.compile(r"^Leave this space"), "Leave")
    assert Membership.objects.get(space=space, person=member).state == MembershipState.LEFT
