"""Files in the browser (issue 3): a member posts a picture with alt text to a visual board and
sees it in the grid; a PDF resource downloads for a member and not for an outsider."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import GPS_CANARY, pdf_bytes, picture_bytes
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import add_member, make_space

ALT = "The new reception desk, oak with a green front"


@pytest.fixture
def owner():
    return AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")


LOADED_WIDTH = "async image => { await image.decode(); return image.naturalWidth; }"


def test_picture_post_on_a_visual_board_shows_in_the_grid(open_page, owner):
    board = make_space(owner, name="Office makeover", slug="makeover", template=Template.VISUAL)
    member = add_member(board, PersonFactory(display_name="Priya Shah")).person
    page = open_page(as_person=member)
    page.goto(reverse("space-home", args=[board.slug]))
    page.get_by_role("link", name="Write a post", exact=True).click()
    page.get_by_label("Picture 1:", exact=True).set_input_files(
        files=[{"name": "desk.jpg", "mimeType": "image/jpeg",
                "buffer": picture_bytes("JPEG", (800, 600), exif=True)}]
    )  # fmt: skip
    page.get_by_label("Description of picture 1").fill(ALT)
    page.get_by_label("Text").fill("Reception is finished!")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is up.")).to_be_visible()
    picture = page.get_by_role("img", name=ALT)
    expect(picture).to_be_visible()
    # decode() waits until the picture has loaded, so the width is never read too early.
    assert picture.evaluate(LOADED_WIDTH) == 800
    attachment = Attachment.objects.get()
    assert GPS_CANARY.encode() not in attachment.file.read()
    page.goto(reverse("space-home", args=[board.slug]))
    tile = page.locator(".layout-grid .pictures img")
    expect(tile).to_have_attribute("alt", ALT)
    assert tile.evaluate(LOADED_WIDTH) > 0


def test_pdf_resource_downloads_for_a_member_not_an_outsider(open_page, owner, tmp_path: Path):
    course = make_space(owner, name="Negotiation follow-up", slug="nego", template=Template.COURSE)
    member = add_member(course, PersonFactory(display_name="Sam Okafor")).person
    outsider = PersonFactory(display_name="Otto Outsider")
    page = open_page(as_person=member)
    page.goto(reverse("post-create", args=[course.slug]) + "?kind=resource")
    page.get_by_label("Title").fill("Reading after day 2")
    page.get_by_label("File").set_input_files(
        files=[{"name": "Getting to yes.pdf", "mimeType": "application/pdf",
                "buffer": pdf_bytes("BATNA")}]
    )  # fmt: skip
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is up.")).to_be_visible()
    link = page.get_by_role("link", name="Getting to yes.pdf")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "download.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == pdf_bytes("BATNA")
    assert download.value.suggested_filename == "Getting to yes.pdf"
    address = link.get_attribute("href")
    assert address
    stranger = open_page(as_person=outsider)
    assert stranger.request.get(address).status == 404
    post = Post.objects.get()
    assert stranger.request.get(reverse("post-detail", args=[post.pk])).status == 404
