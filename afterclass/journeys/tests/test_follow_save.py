"""Save, follow and acknowledge in the browser: from a post's page each control toggles in place
(the same document, focus kept on the pressed button), the post shows under Saved and Following
on /feed/, a member says "I have read this" on an announcement and its owner sees who has.
axe and the 320/390 px checks run on every page and state; screenshots on desktop and phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from afterclass.journeys.tests.browser import (
    PHONE,
    check_page,
    is_same_document,
    mark_document,
    snap,
)
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_create_post
from afterclass.posts.models import SavedPost, ThreadFollow
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture
def world():
    owner = PersonFactory(display_name="Olive Owner", email="olive@example.org")
    space = make_space(owner, name="Data skills", slug="data-skills")
    member = add_member(space, PersonFactory(display_name="Mina Member")).person
    add_member(space, PersonFactory(display_name="Ola Other"))
    post = make_post(space, owner, title="How do you plan a sprint?")
    notice = do_create_post(
        space, actor=owner, kind="announcement", title="New expense rules",
        body="Please read before Friday.", asks_acknowledgement=True,
    )  # fmt: skip
    return {"owner": owner, "member": member, "post": post, "notice": notice}


def _press_keeps_focus(page, name, pressed_name):
    page.get_by_role("button", name=name, exact=True).focus()
    page.keyboard.press("Enter")
    pressed = page.get_by_role("button", name=pressed_name, exact=True)
    expect(pressed).to_be_focused()
    expect(pressed).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_save_follow_and_acknowledge(open_page, world, viewport):
    member, post, notice = world["member"], world["post"], world["notice"]
    kwargs = {"viewport": viewport} if viewport else {}
    page = open_page(as_person=member, **kwargs)
    suffix = "phone" if viewport else "desktop"
    page.goto(reverse("post-detail", args=[post.pk]))
    mark_document(page)
    _press_keeps_focus(page, "Save for later", "Saved")
    _press_keeps_focus(page, "Follow", "Following")
    check_page(page, "post saved and followed")
    snap(page, f"post-controls-{suffix}")
    assert is_same_document(page)
    assert SavedPost.objects.filter(person=member, post=post).exists()
    assert ThreadFollow.objects.get(person=member, post=post).state == "following"

    page.goto(reverse("saved-feed"))
    expect(page.get_by_role("link", name="Saved")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="How do you plan a sprint?")).to_be_visible()
    snap(page, f"saved-{suffix}")
    page.get_by_role("link", name="Following", exact=True).click()
    expect(page.get_by_role("heading", name="Threads I follow")).to_be_visible()
    expect(page.get_by_role("link", name="How do you plan a sprint?")).to_be_visible()
    page.get_by_role("link", name="Top", exact=True).click()
    expect(page.get_by_role("heading", name="Top posts this week")).to_be_visible()
    snap(page, f"top-{suffix}")

    page.goto(reverse("post-detail", args=[notice.pk]))
    mark_document(page)
    page.get_by_role("button", name="I have read this").focus()
    page.keyboard.press("Enter")
    done = page.get_by_text("You have read this", exact=True)
    expect(done).to_be_focused()
    assert is_same_document(page)
    expect(page.get_by_role("link", name="Who has read this")).to_have_count(0)
    snap(page, f"acknowledged-{suffix}")

    owners = open_page(as_person=world["owner"], **kwargs)
    owners.goto(reverse("post-detail", args=[notice.pk]))
    owners.get_by_role("link", name="Who has read this").click()
    expect(owners.get_by_role("heading", name="Have read it (1)")).to_be_visible()
    expect(owners.get_by_text("Mina Member")).to_be_visible()
    expect(owners.get_by_role("heading", name="Have not read it yet (2)")).to_be_visible()
    snap(owners, f"who-has-read-{suffix}")


def test_who_has_read_shows_more_names_in_place(open_page, world, monkeypatch):
    monkeypatch.setattr("afterclass.posts.feeds_more.READERS_PAGE", 2)
    space = world["notice"].space
    for n in range(3):
        add_member(space, PersonFactory(display_name=f"Reader {n}"))
    page = open_page(as_person=world["owner"])
    page.goto(reverse("post-acknowledgements", args=[world["notice"].pk]))
    mark_document(page)
    expect(page.get_by_role("heading", name="Have not read it yet (6)")).to_be_visible()
    names = page.locator("#readers-not_read > li")
    expect(names).to_have_text(["Mina Member", "Ola Other", "Show more"])
    page.get_by_role("link", name="Show more").click()
    expect(names).to_have_text(["Mina Member", "Ola Other", "Olive Owner", "Reader 0", "Show more"])
    # Focus on the first new name, so that a keyboard or screen reader user goes on from there.
    expect(names.filter(has_text="Olive Owner")).to_be_focused()
    page.get_by_role("link", name="Show more").click()
    expect(names).to_have_text(["Mina Member", "Ola Other", "Olive Owner", "Reader 0", "Reader 1",
                                "Reader 2"])  # fmt: skip
    expect(names.filter(has_text="Reader 1")).to_be_focused()
    assert is_same_document(page)
    check_page(page, "who has read, every name shown")
