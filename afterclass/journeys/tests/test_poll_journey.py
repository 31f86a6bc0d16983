"""The journey of a poll (issue 5): a member asks the space a question with options, a colleague
votes (htmx, no reload) and sees the results with their counts and percentages."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, snap
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.polls.models import Poll, PollBallot
from afterclass.spaces.tests.factories import add_member, make_space

QUESTION = "Which Excel topic should the next session cover?"
OPTIONS = ["Pivot tables", "Power Query", "XLOOKUP"]


@pytest.fixture
def space():
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    return make_space(owner, name="Excel after the course", slug="excel")


@pytest.fixture
def poster(space):
    person = PersonFactory(display_name="Dana Whitfield", email="dana.whitfield@example.org")
    return add_member(space, person).person


@pytest.fixture
def colleague(space):
    person = PersonFactory(display_name="Priya Shah", email="priya.shah@example.org")
    return add_member(space, person).person


def test_poll_journey_create_vote_and_see_results(open_page, space, poster, colleague):
    page = open_page(as_person=poster)
    page.goto(reverse("post-create", args=[space.slug]) + "?kind=poll")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_label("Options").fill("\n".join(OPTIONS))
    page.get_by_label("After the poll closes").check()
    expect(page.get_by_text("Nobody, admins included, can see who chose what")).to_be_visible()
    snap(page, "1-new-poll")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is up.")).to_be_visible()
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    poll = Poll.objects.get()
    assert [option.text for option in poll.options.all()] == OPTIONS
    assert poll.results_shown == "after_closing"
    # The poster always sees the results, so far none.
    expect(page.locator("#poll meter")).to_have_count(3)

    other = open_page(as_person=colleague)
    other.goto(reverse("space-home", args=[space.slug]))
    expect(other.get_by_text("Poll · 0 votes")).to_be_visible()
    other.get_by_role("link", name=QUESTION).click()
    expect(other.get_by_text("The results are shown when the poll closes.")).to_be_visible()
    mark_document(other)
    other.get_by_label("Power Query").check()
    other.get_by_role("button", name="Vote", exact=True).click()
    expect(other.get_by_role("button", name="Change my vote")).to_be_visible()
    assert is_same_document(other)
    assert PollBallot.objects.filter(poll=poll, person=colleague).exists()
    snap(other, "2-voted")

    # The poster closes the poll early; now everyone sees the results.
    page.reload()
    expect(page.get_by_text("1 vote · 100%")).to_be_visible()
    page.get_by_role("button", name="Close the poll now").click()
    expect(page.get_by_text(re.compile(r"Closed on"))).to_be_visible()

    other.reload()
    expect(other.locator("#poll meter")).to_have_count(3)
    expect(other.get_by_text("1 vote · 100%")).to_be_visible()
    expect(other.get_by_text("(your choice)")).to_be_visible()
    expect(other.get_by_role("button", name="Vote", exact=True)).to_have_count(0)
    snap(other, "3-results")
