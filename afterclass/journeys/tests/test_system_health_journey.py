"""An organisation admin finds a failed background task on System health and retries it."""

from django.utils import timezone
from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, horizontal_overflow, snap
from afterclass.people.actions import do_update_organisation
from afterclass.people.tests.factories import AdminFactory
from afterclass.worker.models import QueuedTask, TaskState, WorkerHeartbeat


def test_admin_retries_a_failed_task_from_system_health(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    do_update_organisation(actor=admin, name="Northwind")
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="app-1.internal", pid=4242)
    task = QueuedTask.objects.create(
        task_path="afterclass.notifications.tasks.send_digests",
        state=TaskState.FAILED,
        attempts=5,
        finished_at=timezone.now(),
        error_class="smtplib.SMTPServerDisconnected",
        error="Traceback (most recent call last):\nsmtplib.SMTPServerDisconnected: closed",
    )
    page = open_page(as_person=admin)
    page.goto("/manage/people/")
    page.get_by_role("link", name="System health").click()
    expect(page.get_by_role("heading", name="System health", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="send_digests")).to_be_visible()
    page.get_by_text("Error", exact=True).click()
    expect(page.get_by_text("SMTPServerDisconnected: closed")).to_be_visible()
    snap(page, "system-health-desktop")

    page.get_by_role("button", name="Retry send_digests").click()
    expect(page.get_by_text("“send_digests” will run again in a moment.")).to_be_visible()
    expect(page.get_by_text("No task has failed.")).to_be_visible()
    task.refresh_from_db()
    assert task.state == TaskState.READY

    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto("/manage/system/")
    expect(phone.get_by_role("heading", name="System health", level=1)).to_be_visible()
    assert horizontal_overflow(phone) is None, horizontal_overflow(phone)
    snap(phone, "system-health-phone")
    narrow = open_page(as_person=admin, viewport={"width": 320, "height": 640})
    narrow.goto("/manage/system/")
    assert horizontal_overflow(narrow) is None, horizontal_overflow(narrow)
