"""The dark theme (issue 14, The look): the site follows `prefers-color-scheme`, and every page a
person lands on most passes axe-core (colour contrast included) in both themes.

The demo organisation gives the pages real content: a lively feed, a question with answers, a
space home, a profile with activity, notifications and the insight charts. Each page is checked
(axe and the phone widths, through `open_page`) and photographed in light and in dark:
test-artifacts/<test>/<theme>-<page>.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from afterclass.demo.load import load_demo
from afterclass.demo.people import ADMIN_EMAIL
from afterclass.journeys.tests.browser import check_page, snap
from afterclass.notifications.models import Notification
from afterclass.people.models import Person
from afterclass.posts.models import Post

# The page's background in each theme (afterclass.css: --bg).
BACKGROUND = {"light": "rgb(246, 247, 249)", "dark": "rgb(17, 21, 28)"}
PAGE_BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor"


def _pages(admin: Person) -> dict[str, str]:
    question = (
        Post.objects.visible_to(admin)
        .filter(kind="question", comment_count__gt=0)
        .order_by("-comment_count")
        .first()
    )
    assert question is not None, "the demo has answered questions"
    colleague = Person.objects.exclude(pk=admin.pk).filter(posts__isnull=False).first()
    assert colleague is not None
    Notification.objects.create(
        recipient=admin,
        kind="reply",
        message=f"{colleague.display_name} answered your question",
        url=f"/posts/{question.pk}/",
        space=question.space,
        actor=colleague,
    )
    return {
        "feed": "/feed/",
        "post": f"/posts/{question.pk}/",
        "space-home": f"/spaces/{question.space.slug}/",
        "profile": f"/people/{colleague.pk}/",
        "notifications": "/notifications/",
        "insights": "/insights/",
    }


def _settled(page: Page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_pages_pass_axe_in_both_themes(open_page, theme):
    load_demo()
    admin = Person.objects.get(email=ADMIN_EMAIL)
    pages = _pages(admin)

    page = open_page(as_person=admin)
    # The same as a context made with color_scheme=...: the media feature the stylesheet reads.
    page.emulate_media(color_scheme=theme)
    for name, path in pages.items():
        page.goto(path)
        _settled(page)
        assert page.evaluate(PAGE_BACKGROUND) == BACKGROUND[theme], f"{path} in {theme}"
        if name == "insights":
            expect(page.locator("svg.chart").first).to_be_visible()
        check_page(page, f"{theme} theme")
        snap(page, f"{theme}-{name}")
    # The header's focus ring is visible on the header in either theme.
    page.goto(pages["feed"])
    _settled(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    snap(page, f"{theme}-focus-in-header")

    # Signed out: the sign-in page, with its form fields.
    visitor = open_page()
    visitor.emulate_media(color_scheme=theme)
    visitor.goto("/")
    expect(visitor).to_have_url(re.compile(r"/accounts/login/"))
    assert visitor.evaluate(PAGE_BACKGROUND) == BACKGROUND[theme]
    check_page(visitor, f"{theme} theme")
    visitor.locator("#id_login").focus()
    snap(visitor, f"{theme}-sign-in")
