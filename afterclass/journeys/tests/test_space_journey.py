"""The journey of issue 2: an admin creates and launches a space with ground rules, a colleague
asks to join answering its question, the admin approves, the colleague accepts the rules."""

import re

import pytest
from playwright.sync_api import Page, expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, sign_in, snap
from afterclass.people.tests.factories import AdminFactory, DepartmentFactory, PersonFactory
from afterclass.spaces.models import (
    JoinPolicy,
    Membership,
    MembershipState,
    RulesAcceptance,
    Space,
    Status,
    Template,
)

ADMIN_PASSWORD = "admin-journey-pw"
COLLEAGUE_PASSWORD = "colleague-journey-pw"
SPACE_NAME = "Excel after the course"
QUESTION = "Which Excel course did you attend, and when?"
ANSWER = "Excel for analysts, in March."
RULES = (
    "- Ask anything: there are no silly questions.\n"
    "- Share what worked for you, with an example.\n"
    "- Keep client data out of screenshots."
)


@pytest.fixture
def admin():
    return AdminFactory(
        email="alex.morgan@example.org",
        display_name="Alex Morgan",
        job_title="Learning and development lead",
        password=ADMIN_PASSWORD,
    )


@pytest.fixture
def colleague():
    return PersonFactory(
        email="priya.shah@example.org",
        display_name="Priya Shah",
        job_title="Payroll analyst",
        department=DepartmentFactory(name="Finance"),
        password=COLLEAGUE_PASSWORD,
    )


def test_space_journey_from_creation_to_accepted_rules(open_page, admin, colleague):
    admin_page = open_page()
    colleague_page = open_page()

    space = admin_creates_and_launches_space(admin_page, admin)
    membership = colleague_requests_to_join(colleague_page, colleague, space)
    admin_approves_request(admin_page, space, membership)
    colleague_accepts_rules(colleague_page, space, membership)


def admin_creates_and_launches_space(page: Page, admin) -> Space:
    sign_in(page, admin.email, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Spaces", exact=True)).to_be_visible()
    snap(page, "01-admin-my-spaces")

    page.get_by_role("link", name="Create a space").click()
    expect(page.get_by_role("heading", name="Create a space")).to_be_visible()
    page.get_by_label("Name").fill(SPACE_NAME)
    page.get_by_label("Description").fill("Follow-up to the Excel for analysts course.")
    page.get_by_label("Purpose").fill(
        "Keep practising what the Excel course taught: ask questions, share workbooks and "
        "shortcuts, and help each other apply it to real reports."
    )
    page.get_by_label("Ground rules").fill(RULES)
    page.get_by_label("Request: people ask to join and moderators approve").check()
    page.get_by_label("Membership questions").fill(QUESTION)
    page.get_by_label(re.compile(r"Course follow-up group:")).check()
    page.get_by_label("Members active each week (%)").fill("40")
    snap(page, "02-admin-create-form")
    page.get_by_role("button", name="Create the space").click()

    expect(page.get_by_role("heading", name=SPACE_NAME, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("is created and in planning")
    space = Space.objects.get(name=SPACE_NAME)
    assert space.status == Status.PLANNING
    assert space.join_policy == JoinPolicy.REQUEST
    assert space.template == Template.COURSE
    assert space.membership_questions == [QUESTION]
    assert space.target_weekly_active_pct == 40
    # Browsers send a textarea's lines with CRLF; the rules are stored as typed.
    assert space.rules_versions.get(version=1).body.replace("\r\n", "\n") == RULES
    snap(page, "03-admin-space-in-planning")

    page.get_by_role("navigation", name="This space").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Status: planning")).to_be_visible()
    snap(page, "04-admin-space-settings")
    page.get_by_role("link", name="Launch this space…").click()
    # The launch page says what the pre-launch survey and the sign-ups say before anything is
    # sent: here there was no survey, which it warns about.
    expect(page.get_by_role("heading", name=f"Launch “{space.name}”")).to_be_visible()
    expect(page.get_by_text("This space has no pre-launch survey")).to_be_visible()
    snap(page, "04b-launch-page")
    space.refresh_from_db()
    assert space.status == Status.PLANNING
    page.get_by_role("button", name=f"Launch “{space.name}”").click()

    expect(page).to_have_url(re.compile(rf"/spaces/{space.slug}/$"))
    expect(page.get_by_role("status")).to_contain_text("is launched")
    rules = page.get_by_role("region", name="Ground rules")
    expect(rules.get_by_role("listitem")).to_have_count(3)
    expect(rules).to_contain_text("there are no silly questions")
    space.refresh_from_db()
    assert space.status == Status.LAUNCHED
    assert space.launched_at is not None

    # Archiving asks first, in a modal dialog; Escape sends nothing and gives focus back.
    page.get_by_role("navigation", name="This space").get_by_role("link", name="Settings").click()
    archive = page.get_by_role("button", name="Archive this space")
    archive.click()
    dialog = page.get_by_role("dialog", name=f"Archive “{space.name}”?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.check_accessibility("the archive dialog open")
    snap(page, "04c-archive-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(archive).to_be_focused()
    space.refresh_from_db()
    assert space.status == Status.LAUNCHED
    page.get_by_role("navigation", name="This space").get_by_role("link", name="Home").click()
    snap(page, "05-admin-space-home-launched")
    return space


def colleague_requests_to_join(page: Page, colleague, space: Space) -> Membership:
    sign_in(page, colleague.email, COLLEAGUE_PASSWORD)
    page.get_by_role("navigation", name="Which spaces").get_by_role("link", name="Discover").click()
    card = page.locator(".space-card").filter(has_text=SPACE_NAME)
    expect(card).to_be_visible()
    snap(page, "06-colleague-discover")

    card.get_by_role("link", name=f"Request to join {SPACE_NAME}").click()
    expect(page.get_by_role("heading", name=f"Request to join “{SPACE_NAME}”")).to_be_visible()
    page.get_by_label(QUESTION).fill(ANSWER)
    snap(page, "07-colleague-join-request")
    page.get_by_role("button", name="Send my request").click()

    expect(page).to_have_url(re.compile(rf"/spaces/{space.slug}/$"))
    expect(page.get_by_role("status")).to_contain_text("Your request to join")
    expect(page.get_by_text("Your request to join is waiting for a moderator.")).to_be_visible()
    membership = Membership.objects.get(space=space, person=colleague)
    assert membership.state == MembershipState.PENDING
    assert membership.answers == [{"question": QUESTION, "answer": ANSWER}]
    snap(page, "08-colleague-request-waiting")
    return membership


def admin_approves_request(page: Page, space: Space, membership: Membership) -> None:
    page.goto(f"/spaces/{space.slug}/")
    page.get_by_role("navigation", name="This space").get_by_role(
        "link", name=re.compile(r"^Requests 1 waiting")
    ).click()
    row = page.locator(f"#request-{membership.pk}")
    expect(row).to_contain_text("Priya Shah")
    expect(row).to_contain_text(ANSWER)
    snap(page, "09-admin-requests")

    mark_document(page)
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/requests/" in response.url
    ) as answer:
        row.get_by_role("button", name="Approve Priya Shah").click()
    assert answer.value.request.header_value("HX-Request") == "true"
    expect(row).to_contain_text("Approved: now a member")
    expect(row.get_by_role("button")).to_have_count(0)
    # The waiting counts beside the heading and in the space's navigation follow the decision.
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(page.locator("#pending-badge")).to_have_text("")
    assert is_same_document(page), "approving reloaded the whole page instead of the row"
    membership.refresh_from_db()
    assert membership.state == MembershipState.ACTIVE
    assert membership.rules_version_accepted is None
    snap(page, "10-admin-request-approved")


def colleague_accepts_rules(page: Page, space: Space, membership: Membership) -> None:
    page.goto(f"/spaces/{space.slug}/")
    prompt = page.get_by_role("note").filter(has_text="ground rules")
    expect(prompt).to_be_visible()
    expect(page.get_by_text("You are a member of this space.")).to_be_visible()
    snap(page, "11-colleague-rules-prompt")

    prompt.get_by_role("link", name="Read and accept the ground rules").click()
    expect(page.get_by_role("heading", name="Ground rules", level=2)).to_be_visible()
    snap(page, "12-colleague-ground-rules")
    page.get_by_role("button", name="I accept these ground rules").click()

    expect(page).to_have_url(re.compile(rf"/spaces/{space.slug}/$"))
    expect(page.get_by_role("status")).to_contain_text("You can take part")
    expect(page.get_by_role("note")).to_have_count(0)
    membership.refresh_from_db()
    space.refresh_from_db()
    assert membership.rules_version_accepted == space.rules_version == 1
    assert RulesAcceptance.objects.filter(space=space, person=membership.person, version=1).exists()
    snap(page, "13-colleague-rules-accepted")
