"""Notifications in the browser: the bell counts lazily, a notification is marked read in place
and opens its target, and each setting saves itself on one click (no inline script involved)."""

import re

from playwright.sync_api import expect

from afterclass.notifications.models import Notification, NotificationPreference, SpaceSubscription
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.tests.factories import add_member, make_space


def test_bell_centre_and_settings(open_page):
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, name="Data skills", slug="data-skills")
    reader = add_member(space, PersonFactory(display_name="Rita Reader")).person
    for message in ("Olive replied to your comment", "Olive mentioned you"):
        Notification.objects.create(
            recipient=reader, kind="reply", message=message, url="/spaces/data-skills/",
            space=space, actor=owner,
        )  # fmt: skip
    page = open_page(as_person=reader)
    page.goto("/feed/")
    bell = page.locator("#bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")
    expect(page.locator("#bell-count")).to_have_text("2")

    bell.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    mentioned = page.locator("li.notification", has_text="Olive mentioned you")
    mentioned.get_by_role("button", name="Mark read").click()
    expect(mentioned.get_by_role("button", name="Mark read")).to_have_count(0)
    expect(mentioned).not_to_have_class("notification unread")
    # the bell counts again after the change
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Notifications, 1 unread")

    page.get_by_role("link", name="Olive replied to your comment").click()
    expect(page).to_have_url(re.compile(r"/spaces/data-skills/$"))
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Notifications, 0 unread")

    page.goto("/notifications/settings/")
    row = page.locator("#kind-reply")
    row.get_by_label("Off").check()
    expect(row.get_by_role("status")).to_have_text("Saved")
    assert NotificationPreference.objects.get(person=reader, kind="reply").channel == "off"
    space_row = page.locator("#space-data-skills")
    space_row.get_by_label("Muted").check()
    expect(space_row.get_by_role("status")).to_have_text("Saved")
    assert SpaceSubscription.objects.get(person=reader, space=space).level == "muted"
    page.get_by_label("No e-mail at all").check()
    expect(page.locator("#email").get_by_role("status")).to_have_text("Saved")


def test_the_bell_hears_a_change_that_comes_right_after_it_was_refreshed(open_page):
    # The bell replaces itself with each count. A change announced in the next moment (another
    # response, a live event) must still refresh it: the new bell listens as soon as it is in
    # the page, not after htmx's settle delay, when the announcement has gone by unheard.
    reader = PersonFactory(display_name="Rita Reader")
    page = open_page(as_person=reader)
    counts: list[str] = []
    page.on("request", lambda r: counts.append(r.url) if r.url.endswith("/bell/") else None)
    page.goto("/feed/")
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Notifications, 0 unread")
    wait_for_count(page, counts, 1)
    page.evaluate(
        """() => document.body.addEventListener("htmx:afterSwap", () => {
            setTimeout(() => htmx.trigger(document.body, "bell-changed"), 0);
        }, {once: true})"""
    )
    page.evaluate("""() => htmx.trigger(document.body, "bell-changed")""")
    wait_for_count(page, counts, 3)


def wait_for_count(page, requests: list[str], count: int) -> None:
    for _ in range(100):
        if len(requests) >= count:
            break
        page.wait_for_timeout(50)
    assert len(requests) == count, requests
