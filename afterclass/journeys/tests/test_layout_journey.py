"""How pages look (issue 12, items 10-12): posts are named by their words, charts keep their size,
a planned space shows its targets, long forms stay short, and nothing scrolls sideways on a phone.

Every page here is also checked by axe-core and at 320 and 390 px (see conftest.open_page)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from afterclass.attachments.tests.factories import make_upload
from afterclass.journeys.tests.browser import PHONE, snap
from afterclass.people.tests.factories import AdminFactory, DepartmentFactory, PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Status
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.actions import do_answer_survey, do_create_survey, do_open_survey

CODE = "```\n" + "SELECT region, SUM(amount) FROM sales_by_region_and_quarter " * 3 + "\n```"


def test_posts_are_named_by_their_words_and_fit_a_phone(open_page):
    owner = AdminFactory(display_name="Alex Morgan")
    board = make_space(owner, name="Whiteboards from the workshop", template="visual")
    tips = make_space(owner, name="Excel tips", template="tips")
    member = add_member(board, PersonFactory(display_name="Priya Shah")).person
    add_member(tips, member)
    for body in ("Our journey map of onboarding", "The retro wall after day two"):
        picture = make_upload(member)
        make_post(
            board,
            member,
            kind="image",
            title="",
            body=body,
            attachments=[picture.pk],
            alt_texts=["A photo"],
        )
    make_post(tips, member, kind="update", title="", body="Use Ctrl+T to make a table.\n\n" + CODE)

    for viewport, name in ((None, "desktop"), (PHONE, "phone")):
        page = open_page(as_person=member, **({"viewport": viewport} if viewport else {}))
        page.goto(reverse("space-home", args=[board.slug]))
        # No title: the words show once, as the card's text (as Viva Engage and Workplace show
        # such posts); the heading list has them, and the time link, named by them, opens it.
        expect(page.locator(".post-item h3")).to_have_count(2)
        expect(page.get_by_role("heading", name="The retro wall after day two")).to_have_count(1)
        expect(page.locator(".post-item")).to_contain_text(["The retro wall after day two"])
        expect(page.locator(".post-item h3 a")).to_have_count(0)
        expect(page.get_by_role("link", name="The retro wall after day two")).to_be_visible()
        expect(page.get_by_role("link", name="Image post", exact=True)).to_have_count(0)
        snap(page, f"visual-board-{name}")
        page.get_by_role("link", name="The retro wall after day two").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("The retro wall after day two")
        snap(page, f"image-post-{name}")

        # The feed: h1, then one h2 per post, the tip's too (no jump to h3); a code block stays
        # in its card.
        page.goto(reverse("home-feed"))
        expect(page.locator(".post-item h2")).to_have_count(3)
        expect(page.locator(".post-item h3")).to_have_count(0)
        snap(page, f"feed-{name}")
        page.goto(reverse("space-home", args=[tips.slug]))
        expect(page.locator(".post-item pre")).to_be_visible()
        snap(page, f"tips-{name}")


def test_planned_space_shows_targets_and_a_short_form(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    for name in ("Finance", "Accounts payable", "Customer service", "Engineering", "Sales"):
        DepartmentFactory(name=name)
    space = make_space(
        admin,
        name="Customer conversations",
        status=Status.PLANNING,
        target_weekly_active_pct=40,
        target_answer_rate_pct=80,
        target_answer_hours=24,
    )
    page = open_page(as_person=admin)
    page.goto(reverse("space-home", args=[space.slug]))
    about = page.locator("dl.facts")
    expect(about).to_contain_text("40 % of members active each week")
    expect(about).to_contain_text("Questions answered within 24 hours")
    snap(page, "planned-space-home")

    page.goto(reverse("space-create"))
    departments = page.locator(".audience-departments")
    page.get_by_label("The whole organisation").check()
    expect(departments).to_be_hidden()
    page.get_by_label("Departments", exact=True).first.check()
    expect(departments).to_be_visible()
    snap(page, "space-form-departments")


def test_notification_settings_save_without_buttons(open_page):
    person = PersonFactory(display_name="Rita Reader")
    space = make_space(AdminFactory(), name="Data skills")
    add_member(space, person)
    page = open_page(as_person=person)
    page.goto(reverse("notification-settings"))
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    snap(page, "notification-settings")


def test_survey_chart_keeps_its_size(open_page, settings):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 2
    admin = AdminFactory(display_name="Alex Morgan")
    people = [PersonFactory() for _ in range(3)]
    now = timezone.now()
    survey = do_create_survey(
        actor=admin,
        title="How did the data workshop go?",
        audience="everyone",
        questions=[
            {
                "text": "Which part helped you most?",
                "kind": "single",
                "options": ["The dashboards exercise", "Pivot tables", "Peer review"],
                "required": True,
            }
        ],
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
    )
    do_open_survey(survey, actor=admin)
    question = survey.questions.get()
    for person, choice in zip(people, ["Pivot tables", "Pivot tables", "Peer review"], strict=True):
        do_answer_survey(survey, {str(question.pk): choice}, actor=person)

    page = open_page(as_person=admin)
    page.goto(reverse("survey-results", args=[survey.pk]))
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    width = chart.bounding_box()["width"]
    assert width <= 561, f"the chart is stretched to {width}px"
    heading = page.get_by_role("heading", name="Which part helped you most?")
    label_size = page.evaluate(
        "(svg) => svg.querySelector('text').getBoundingClientRect().height", chart.element_handle()
    )
    heading_size = heading.evaluate("(h) => parseFloat(getComputedStyle(h).fontSize)")
    assert label_size < heading_size
    snap(page, "survey-results")


def relative_luminance(rgb: str) -> float:
    """WCAG relative luminance of a computed colour such as "rgb(26, 79, 160)"."""
    channels = [int(part) / 255 for part in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_focus_ring_contrast_and_target_size_on_the_sign_in_page(page):
    page.goto(reverse("account_login"))
    forgot = page.get_by_role("link", name="Forgot your password?")
    assert forgot.bounding_box()["height"] >= 24
    page.get_by_label("Password").focus()
    page.keyboard.press("Shift+Tab")  # the help text, with the link, comes before its input
    expect(forgot).to_be_focused()
    ring = forgot.evaluate("(a) => getComputedStyle(a).outlineColor")
    card = forgot.evaluate(
        "(a) => getComputedStyle(a.closest('.card') || document.body).backgroundColor"
    )
    lighter, darker = sorted([relative_luminance(ring), relative_luminance(card)], reverse=True)
    contrast = (lighter + 0.05) / (darker + 0.05)
    assert contrast >= 3, f"the focus ring {ring} has {contrast:.1f}:1 against {card}"
    snap(page, "sign-in-focus")
