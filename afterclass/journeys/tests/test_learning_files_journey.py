"""Files on learning forms in the browser (issues 3 and 4): materials chosen for a session are
sent ahead one by one with their progress, listed as ready, and attached when the form is saved;
a file dropped on a task's answer goes with the submission; a form refused for another reason
keeps the files already sent, ready to go."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import pdf_bytes
from afterclass.journeys.tests.browser import snap
from afterclass.learning.models import Session, Submission
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.models import Role, Space
from afterclass.spaces.tests.factories import add_member


@pytest.fixture
def space() -> Space:
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    return make_course(owner, name="After the data workshop")


@pytest.fixture
def facilitator(space):
    person = PersonFactory(display_name="Fay Trainer", email="fay@example.org")
    return add_member(space, person, role=Role.MODERATOR).person


def pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(name)}


def fill_session(page: Page, *, starts: str, ends: str) -> None:
    page.get_by_label("Title").fill("Workshop 1: charts")
    page.get_by_label("Starts").fill(starts)
    page.get_by_label("Ends").fill(ends)


def wait_for(held: list[object], count: int, page: Page) -> None:
    for _ in range(50):  # waiting lets Playwright hand the held request to the route
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{count} upload(s) expected, {len(held)} held")


def test_session_materials_are_sent_ahead_with_progress_then_attached(
    open_page, space, facilitator
):
    page = open_page(as_person=facilitator)
    held: list = []
    page.route("**/api/v1/attachments", lambda route: held.append(route))
    page.goto(reverse("learning-session-create", args=[space.slug]))
    expect(page.get_by_text("Drag files here, or choose them")).to_be_visible()
    page.get_by_label("Materials").set_input_files(files=[pdf("slides.pdf"), pdf("notes.pdf")])
    # One at a time: the first is sending, the second waits its turn.
    expect(page.get_by_role("progressbar", name="Sending slides.pdf")).to_be_visible()
    expect(page.get_by_text("Waiting to send notes.pdf…")).to_be_visible()
    wait_for(held, 1, page)
    expect(page.get_by_text("slides.pdf is ready.")).to_have_count(0)
    held[0].continue_()
    expect(page.get_by_text("slides.pdf is ready.")).to_be_visible()
    wait_for(held, 2, page)
    held[1].continue_()
    expect(page.get_by_text("notes.pdf is ready.")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert page.get_by_label("Materials").input_value() == ""  # the form carries ids only
    snap(page, "materials-ready")
    assert Attachment.objects.filter(session__isnull=True).count() == 2

    fill_session(page, starts="2026-12-03T09:00", ends="2026-12-03T11:00")
    page.get_by_role("button", name="Save").click()
    materials = page.get_by_role("list", name="Materials")
    expect(materials.get_by_role("link")).to_have_text(["slides.pdf", "notes.pdf"])
    session = Session.objects.get()
    assert [a.original_name for a in session.attachments.order_by("position")] == [
        "slides.pdf",
        "notes.pdf",
    ]


def test_a_refused_form_keeps_the_materials_sent_and_a_removed_one_is_left_out(
    open_page, space, facilitator
):
    create = reverse("learning-session-create", args=[space.slug])
    # The refused form comes back with 400, which Chromium logs as a resource that failed.
    refused = f"{create}: Failed to load resource: the server responded with a status of 400"
    page = open_page(as_person=facilitator, expected=(refused,))
    page.goto(create)
    page.get_by_label("Materials").set_input_files(files=[pdf("slides.pdf"), pdf("old.pdf")])
    expect(page.get_by_text("old.pdf is ready.")).to_be_visible()
    fill_session(page, starts="2026-12-03T11:00", ends="2026-12-03T09:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The session must end after it starts.")).to_be_visible()
    # Back from the server: both files are listed as ready again, nothing to send twice.
    expect(page.get_by_text("slides.pdf is ready.")).to_be_visible()
    page.get_by_role("button", name="Remove old.pdf").click()
    expect(page.get_by_text("old.pdf is ready.")).to_have_count(0)
    page.get_by_label("Ends").fill("2026-12-03T12:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("list", name="Materials").get_by_role("link")).to_have_text(
        ["slides.pdf"]
    )
    assert [a.original_name for a in Session.objects.get().attachments.all()] == ["slides.pdf"]


def test_a_file_dropped_on_a_task_goes_with_the_submission(open_page, space, facilitator):
    learner = add_member(space, PersonFactory(display_name="Lee Learner")).person
    unit = make_unit(space, facilitator, title="After workshop 1")
    task = make_activity(unit, facilitator, "task", title="Plan a dashboard")
    page = open_page(as_person=learner)
    page.goto(reverse("learning-activity", args=[task.pk]))
    content = list(pdf_bytes("plan"))
    transfer = page.evaluate_handle(
        """(bytes) => {
            const transfer = new DataTransfer();
            transfer.items.add(
                new File([new Uint8Array(bytes)], "plan.pdf", {type: "application/pdf"}));
            return transfer;
        }""",
        content,
    )
    field = page.locator(".upload-zone").filter(has=page.get_by_label("Files (optional)"))
    field.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(field).to_have_class("upload-zone is-enhanced is-dragging")
    field.dispatch_event("drop", {"dataTransfer": transfer})
    expect(page.get_by_text("plan.pdf is ready.")).to_be_visible()
    expect(page.get_by_role("list", name="Files sent")).to_have_attribute("aria-live", "polite")
    snap(page, "task-file-ready")
    page.get_by_label("Your answer").fill("My plan is attached.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("link", name="plan.pdf")).to_be_visible()
    work = Submission.objects.get(person=learner)
    assert [a.original_name for a in work.attachments.all()] == ["plan.pdf"]
