"""The editor over Markdown text: bold with Ctrl+B, the toolbar by keyboard (Alt+F10, arrows),
a link, the Preview tab rendered by the server and back to Write, the emoji picker, and a
picture pasted into an image post's composer sent as an upload; axe with everything open,
320 px without sideways scrolling, desktop and phone screenshots."""

import base64

import pytest
from playwright.sync_api import expect

from afterclass.attachments.tests.factories import picture_bytes
from afterclass.journeys.tests.browser import PHONE, check_page, snap
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture
def world(db):
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    space = make_space(owner, name="Data skills", slug="data-skills")
    board = make_space(owner, name="Site photos", slug="photos", template=Template.VISUAL)
    member = add_member(space, PersonFactory(display_name="Priya Shah")).person
    add_member(board, member)
    post = make_post(space, owner, title="Charts that mislead", body="Share your worst.")
    return {"member": member, "post": post}


def text_area(page):
    return page.locator("textarea[name=body]")


def test_writing_with_the_editor_by_keyboard(open_page, world):
    page = open_page(as_person=world["member"])
    page.goto("/spaces/data-skills/posts/new/?kind=discussion")
    text = text_area(page)
    text.fill("Hello ")
    text.press("End")
    text.press("Control+b")
    expect(text).to_have_value("Hello **bold text**")
    expect(text).to_be_focused()
    assert (
        page.evaluate(
            "(() => { const t = document.activeElement;"
            " return t.value.slice(t.selectionStart, t.selectionEnd); })()"
        )
        == "bold text"
    )
    bold = page.get_by_role("button", name="Bold")
    expect(bold).to_have_attribute("aria-pressed", "true")
    expect(bold).to_have_attribute("aria-keyshortcuts", "Control+B Meta+B")
    page.keyboard.type("strong words")
    expect(text).to_have_value("Hello **strong words**")

    # The toolbar: Alt+F10 from the text, arrows along it, Enter runs, focus comes back.
    text.press("End")
    page.keyboard.type(" and ")
    text.press("Alt+F10")
    expect(bold).to_be_focused()
    toolbar = page.get_by_role("toolbar", name="Formatting")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    link = toolbar.get_by_role("button", name="Link")
    expect(link).to_be_focused()
    page.keyboard.press("End")
    expect(toolbar.get_by_role("button", name="Emoji")).to_be_focused()
    page.keyboard.press("Home")
    expect(bold).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(toolbar.get_by_role("button", name="Emoji")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(text).to_be_focused()
    page.keyboard.type("the guide")
    expect(text).to_have_value("Hello **strong words** and [the guide](https://)")
    # Ctrl+K on a selection makes it a link, its address selected to type over.
    text.fill("Read this")
    page.evaluate("document.activeElement.setSelectionRange(5, 9)")
    text.press("Control+k")
    page.keyboard.type("https://example.org/guide")
    expect(text).to_have_value("Read [this](https://example.org/guide)")

    # Preview: the server's rendering, then back to Write with the focus in the text.
    text.fill("**Bold** and _soft_ words\n\n- one\n- two\n\n<script>alert(1)</script>")
    text.press("Alt+F10")
    page.keyboard.press("Shift+Tab")
    write = page.get_by_role("tab", name="Write")
    expect(write).to_be_focused()
    expect(write).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")
    preview_tab = page.get_by_role("tab", name="Preview")
    expect(preview_tab).to_be_focused()
    expect(preview_tab).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel", name="Preview")
    expect(panel.locator("strong")).to_have_text("Bold")
    expect(panel.locator("em")).to_have_text("soft")
    expect(panel.locator("li")).to_have_count(2)
    expect(panel.locator("script")).to_have_count(0)
    expect(text).to_be_hidden()
    check_page(page, "editor with the preview open")
    snap(page, "desktop-preview")
    page.keyboard.press("ArrowLeft")
    expect(write).to_have_attribute("aria-selected", "true")
    expect(text).to_be_visible()
    page.keyboard.press("Escape")
    expect(text).to_be_focused()

    # The emoji picker: searched by name, chosen by keyboard, the focus back in the text.
    text.fill("Well done ")
    text.press("End")
    text.press("Alt+F10")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    search = page.get_by_label("Search emoji")
    expect(search).to_be_focused()
    page.keyboard.type("popper")
    picker = page.get_by_role("dialog", name="Emoji")
    expect(picker.get_by_role("button", name="party popper")).to_be_visible()
    check_page(page, "editor with the emoji picker open")
    snap(page, "desktop-emoji-picker")
    page.keyboard.press("ArrowDown")
    expect(picker.get_by_role("button", name="party popper")).to_be_focused()
    page.keyboard.press("Enter")
    expect(text).to_be_focused()
    expect(text).to_have_value("Well done 🎉")
    expect(picker).to_be_hidden()
    # Escape closes it without choosing, and the focus returns to the text.
    text.press("Alt+F10")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(search).to_be_focused()
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(text).to_be_focused()

    page.get_by_label("Title").fill("Celebrating the new dashboard")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("article .prose")).to_contain_text("Well done 🎉")
    assert Post.objects.filter(author=world["member"]).count() == 1


def test_comment_preview_and_the_phone(open_page, world):
    page = open_page(as_person=world["member"], viewport=PHONE)
    page.goto(f"/posts/{world['post'].pk}/")
    comment = page.get_by_label("Your comment")
    comment.fill("A **pie chart** with 3D #charts")
    page.get_by_role("tab", name="Preview").click()
    panel = page.get_by_role("tabpanel", name="Preview")
    expect(panel.locator("strong")).to_have_text("pie chart")
    expect(panel.locator("a.hashtag")).to_have_text("#charts")
    check_page(page, "a comment's preview on a phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(PHONE)
    snap(page, "phone-comment-preview")
    page.get_by_role("tab", name="Write").click()
    page.get_by_role("button", name="Emoji").click()
    expect(page.get_by_label("Search emoji")).to_be_focused()
    snap(page, "phone-emoji-picker")
    page.keyboard.press("Escape")
    expect(comment).to_be_focused()
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("#comment-list")).to_contain_text("pie chart")


PASTE = """([name, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
  const text = document.activeElement;
  const event = new ClipboardEvent("paste", {
    clipboardData: transfer, bubbles: true, cancelable: true,
  });
  return text.dispatchEvent(event);
}"""


def test_a_pasted_picture_is_uploaded_only_where_pictures_go(open_page, world):
    page = open_page(as_person=world["member"])
    page.goto("/compose/?space=photos&kind=image")
    text = text_area(page)
    text.click()
    png = base64.b64encode(picture_bytes("PNG", (40, 30))).decode()
    not_cancelled = page.evaluate(PASTE, ["pasted.png", png])
    assert not_cancelled is False  # the editor took the paste
    expect(page.locator("[data-upload-status] .upload-ready")).to_contain_text("is ready.")
    assert page.locator("input[data-upload-id]").first.input_value()
    expect(text).to_have_value("")
    snap(page, "desktop-pasted-picture")

    # A discussion's text has no pictures: the paste is left alone.
    page.goto("/spaces/data-skills/posts/new/?kind=discussion")
    text_area(page).click()
    assert page.evaluate(PASTE, ["pasted.png", png]) is True
    expect(page.locator("[data-upload-status]")).to_have_count(0)
