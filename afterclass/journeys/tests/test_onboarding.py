"""The first visit: someone new signs in, completes their profile, joins a suggested space (its
ground rules shown first) in place, is offered a first post, and finishes; empty pages say what
to do next with a button that does it. axe and the 320/390 px widths are checked on every page
the journey opens (conftest)."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from afterclass.journeys.tests.browser import (
    PHONE,
    is_same_document,
    mark_document,
    sign_in,
    snap,
)
from afterclass.people.models import Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.spaces.models import JoinPolicy
from afterclass.spaces.tests.factories import add_member, make_space

PASSWORD = "demo-password"


def _world(tmp_path):
    finance = DepartmentFactory(name="Finance")
    accounts = DepartmentFactory(name="Accounts", parent=finance)
    staff = LevelFactory(name="Staff", rank=1)
    newcomer = PersonFactory(
        email="new@example.org",
        display_name="Tamsin Lindqvist",
        job_title="",
        level=staff,
        onboarded_at=None,
    )
    owner = PersonFactory(display_name="Grace Okafor")
    coaching = make_space(
        owner,
        name="Coaching circle",
        slug="coaching",
        purpose="Practise coaching conversations and share what worked.",
        rules="Be kind.\n\n**What is said here stays here.**",
    )
    budget = make_space(
        owner,
        name="Budget questions",
        slug="budget",
        purpose="Ask anything about budgets and forecasts.",
        join_policy=JoinPolicy.REQUEST,
    )
    for _ in range(2):
        add_member(budget, PersonFactory(department=accounts, level=staff))
    picture = tmp_path / "me.png"
    data = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(data, "PNG")
    picture.write_bytes(data.getvalue())
    return newcomer, coaching, budget, picture


def test_first_visit_welcome_by_keyboard(open_page, tmp_path):
    newcomer, coaching, _budget, picture = _world(tmp_path)
    page = open_page()
    sign_in(page, newcomer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tamsin")
    snap(page, "01-welcome-profile")

    # Step 1, by keyboard: a picture, the department, a job title and interests.
    page.get_by_label("New picture").set_input_files(str(picture))
    page.get_by_label("Department").focus()
    page.get_by_label("Department").select_option(label="Finance / Accounts")
    page.get_by_label("Job title").focus()
    page.keyboard.type("Accounts assistant")
    page.get_by_label("Interests").focus()
    page.keyboard.type("coaching, forecasting")
    page.get_by_role("button", name="Save and continue").focus()
    page.keyboard.press("Enter")

    # Step 2: suggestions with their reasons; the ground rules are read before joining.
    expect(page).to_have_url(re.compile(r"/welcome/spaces/$"))
    card = page.locator("#suggestion-coaching")
    expect(card).to_contain_text("About coaching")
    expect(page.locator("#suggestion-budget")).to_contain_text("2 colleagues from your department")
    expect(page.locator("#suggestion-budget").get_by_role("button")).to_have_text(
        re.compile("^Ask to join")
    )
    snap(page, "02-welcome-spaces")
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(card.get_by_text("What is said here stays here.")).to_be_visible()
    snap(page, "03-welcome-ground-rules")
    mark_document(page)
    card.get_by_role("button", name="Accept the rules and join Coaching circle").focus()
    page.keyboard.press("Enter")
    status = page.locator("#joined-coaching")
    expect(status).to_have_text("You joined “Coaching circle”.")
    expect(status).to_be_focused()
    assert is_same_document(page), "joining reloaded the page instead of updating the card"
    page.locator("#suggestion-budget").get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#joined-budget")).to_contain_text("Your request to join")
    expect(page.locator("#joined-budget")).to_be_focused()
    snap(page, "04-welcome-joined")

    # Step 3: a first post in the space joined; pressing it finishes the welcome.
    page.get_by_role("link", name="Continue").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/welcome/first-post/$"))
    snap(page, "05-welcome-first-post")
    page.get_by_role("button", name="Write my first post in Coaching circle").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/compose/\?space=coaching"))
    snap(page, "06-composer-after-welcome")

    newcomer.refresh_from_db()
    assert newcomer.onboarded_at is not None
    assert newcomer.job_title == "Accounts assistant"
    assert newcomer.interests == ["coaching", "forecasting"]
    assert newcomer.department is not None
    assert newcomer.department.path == "Finance / Accounts"
    assert newcomer.avatar
    assert coaching.memberships.filter(person=newcomer, rules_version_accepted=1).exists()
    # Signed in again, they go where everyone goes: the welcome is done.
    page.goto("/feed/")
    expect(page).to_have_url(re.compile(r"/feed/$"))


def test_first_visit_welcome_on_a_phone_and_skipped(open_page, tmp_path):
    newcomer, _coaching, _budget, _picture = _world(tmp_path)
    page = open_page(as_person=newcomer, viewport=PHONE)
    page.goto("/feed/")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    snap(page, "01-phone-welcome-profile")
    page.get_by_role("link", name="Later").click()
    expect(page).to_have_url(re.compile(r"/welcome/spaces/$"))
    snap(page, "02-phone-welcome-spaces")
    page.get_by_role("link", name="Later").click()
    expect(page).to_have_url(re.compile(r"/welcome/first-post/$"))
    expect(page.get_by_text("You have not joined a space yet.")).to_be_visible()
    snap(page, "03-phone-welcome-first-post")
    page.get_by_role("button", name="Finish").click()
    expect(page).to_have_url(re.compile(r"/feed/$"))
    assert Person.objects.get(pk=newcomer.pk).onboarded_at is not None


def test_empty_states_offer_the_next_step(open_page):
    quiet = make_space(name="Quiet corner", slug="quiet")
    person = PersonFactory(display_name="Omar Reid")  # after the launch: nothing to tell them
    add_member(quiet, person)
    page = open_page(as_person=person)

    page.goto("/notifications/")
    page.get_by_role("link", name="Find spaces to join").click()
    expect(page).to_have_url(re.compile(r"/spaces/\?tab=discover$"))

    page.goto("/spaces/quiet/")
    snap(page, "01-empty-space")
    page.get_by_role("link", name="Start the conversation").click()
    expect(page).to_have_url(re.compile(r"/compose/\?space=quiet"))
    expect(page.get_by_label("Title").or_(page.get_by_label("Post"))).not_to_have_count(0)

    page.goto("/search/?q=zebra")
    page.get_by_role("link", name="Ask it as a question").click()
    expect(page).to_have_url(re.compile(r"/compose/\?kind=question"))

    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Write your first post").click()
    expect(page).to_have_url(re.compile(r"/compose/$"))

    page.goto("/learning/")
    snap(page, "02-empty-learning")
    page.get_by_role("link", name="Find course spaces").click()
    expect(page).to_have_url(re.compile(r"/spaces/\?tab=discover$"))
