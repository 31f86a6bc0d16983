"""Serving files and the post pages with pictures: who receives a file (the post's readers),
with which headers, and what the new post form does with uploads."""

import pytest
from django.urls import reverse

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import (
    make_upload,
    office_bytes,
    pdf_bytes,
    picture_bytes,
    stored_files,
    upload_file,
)
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_post, do_remove_post
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

CANARY = "canary-77f1-secret-file"


def signed_in(client, person):
    client.force_login(person)
    return client


def file_url(attachment: Attachment) -> str:
    return reverse("attachment-file", args=[attachment.pk, attachment.original_name])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def secret_file(secret_space, owner):
    pdf = make_upload(owner, f"{CANARY}.pdf", pdf_bytes(CANARY))
    make_post(secret_space, owner, kind="resource", title="Board notes", attachments=[pdf.pk])
    return pdf


@pytest.fixture
def picture_post(board, member):
    picture = make_upload(member)
    return make_post(board, member, kind="image", attachments=[picture.pk], alt_texts=["A crane"])


def test_file_is_served_to_the_post_s_readers_only(client, secret_file, secret_space, owner,
                                                   member, outsider):  # fmt: skip
    url = file_url(secret_file)
    thumbnail = reverse("attachment-thumbnail", args=[secret_file.pk])
    for person in (outsider, member):
        for address in (url, thumbnail, f"/attachments/{secret_file.pk}/other-name.pdf"):
            response = signed_in(client, person).get(address)
            assert response.status_code == 404
            content = response.content
            assert CANARY.encode() not in content
            assert CANARY not in str(response.headers)
    # Members of the secret space receive it.
    reader = add_member(secret_space, PersonFactory()).person
    response = signed_in(client, reader).get(url)
    assert response.status_code == 200
    assert CANARY.encode() in body_of(response)
    # An admin of the organisation sees every space's content.
    admin = PersonFactory(is_org_admin=True)
    assert signed_in(client, admin).get(url).status_code == 200


def test_file_needs_sign_in(client, secret_file):
    response = client.get(file_url(secret_file))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unattached_upload_is_served_only_to_its_uploader(client, member, owner):
    upload = make_upload(member, "draft.pdf", pdf_bytes())
    assert signed_in(client, owner).get(file_url(upload)).status_code == 404
    assert (
        signed_in(client, PersonFactory(is_org_admin=True)).get(file_url(upload)).status_code == 404
    )
    assert signed_in(client, member).get(file_url(upload)).status_code == 200


def test_removed_post_s_file_is_not_served_and_hidden_one_only_to_moderators(
    client, board, owner, member, picture_post
):
    picture = picture_post.attachments.get()
    other = add_member(board, PersonFactory()).person
    assert signed_in(client, other).get(file_url(picture)).status_code == 200
    do_hide_post(picture_post, actor=owner, reason="Off topic")
    assert signed_in(client, other).get(file_url(picture)).status_code == 404
    assert signed_in(client, owner).get(file_url(picture)).status_code == 200
    assert signed_in(client, member).get(file_url(picture)).status_code == 200
    post = Post.objects.get(pk=picture_post.pk)
    do_remove_post(post, actor=member)
    assert signed_in(client, member).get(file_url(picture)).status_code == 404


def test_picture_is_inline_with_nosniff_and_private_cache(client, member, picture_post):
    picture = picture_post.attachments.get()
    response = signed_in(client, member).get(file_url(picture))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    assert "sandbox" in response["Content-Security-Policy"]
    thumbnail = signed_in(client, member).get(reverse("attachment-thumbnail", args=[picture.pk]))
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Reading list.pdf", pdf_bytes(), "application/pdf"),
        ("notes.txt", b"Plain notes\n", "text/plain; charset=utf-8"),
        ('r\u00e9sum\u00e9 "final".docx', office_bytes("word/"), None),
    ],
)
def test_documents_download_as_attachments_with_a_safe_name(client, course, member, name,
                                                             content, content_type):  # fmt: skip
    upload = make_upload(member, name, content)
    make_post(course, member, kind="resource", title="Reading", attachments=[upload.pk])
    response = signed_in(client, member).get(file_url(upload))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition
    assert "\r" not in disposition
    if name.isascii():
        assert f'filename="{name}"' in disposition
    else:
        assert "filename*=utf-8''r%C3%A9sum%C3%A9%20%22final%22.docx" in disposition
    if content_type:
        assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == content


def test_text_that_looks_like_html_is_never_served_as_html(client, course, member):
    upload = make_upload(member, "notes.txt", b"hello\n<script>alert(1)</script>\n")
    make_post(course, member, kind="resource", title="Reading", attachments=[upload.pk])
    response = signed_in(client, member).get(file_url(upload))
    assert "html" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment")


# --- Pages -----------------------------------------------------------------------------------


def test_post_page_shows_pictures_with_alt_text(client, member, picture_post):
    picture = picture_post.attachments.get()
    body = signed_in(client, member).get(reverse("post-detail", args=[picture_post.pk])).content
    assert f'src="{file_url(picture)}"'.encode() in body
    assert b'alt="A crane"' in body


def test_space_feed_shows_the_board_as_a_grid_of_thumbnails(client, board, member, picture_post):
    picture = picture_post.attachments.get()
    body = signed_in(client, member).get(reverse("space-home", args=[board.slug])).content.decode()
    assert "layout-grid" in body
    assert reverse("attachment-thumbnail", args=[picture.pk]) in body
    assert 'alt="A crane"' in body
    assert "Pictures arrive in a later release" not in body


def test_resource_shows_its_file_with_name_and_size(client, course, member):
    upload = make_upload(member, "Reading list.pdf", pdf_bytes())
    post = make_post(course, member, kind="resource", title="Reading", attachments=[upload.pk])
    for url in (reverse("post-detail", args=[post.pk]), reverse("space-home", args=[course.slug])):
        body = signed_in(client, member).get(url).content.decode()
        assert file_url(upload).replace(" ", "%20") in body
        assert "Reading list.pdf" in body
        assert f"{upload.size}\xa0bytes" in body


@pytest.mark.parametrize("pictures", [1, 10])
def test_post_page_queries_do_not_grow_with_pictures(client, django_assert_num_queries, board,
                                                     member, pictures):  # fmt: skip
    uploads = [make_upload(member).pk for _ in range(pictures)]
    post = make_post(board, member, kind="image", attachments=uploads,
                     alt_texts=[f"Picture {n}" for n in range(pictures)])  # fmt: skip
    signed_in(client, member).get(reverse("post-detail", args=[post.pk]))
    # The post page's queries plus one for all its pictures: the same for 1 and for 10.
    # (Read state: one query reads my mark, which the first visit wrote and which still holds
    # the post as it is, so nothing is written again; one marks the notifications about the
    # post read. One reads whether I saved, follow or muted it: the thread's controls.)
    with django_assert_num_queries(12):
        response = client.get(reverse("post-detail", args=[post.pk]))
    assert len(response.context["post"].shown_attachments) == pictures


@pytest.mark.parametrize("rows", [1, 20])
def test_board_feed_queries_do_not_grow_with_posts(client, django_assert_num_queries, board,
                                                   member, rows):  # fmt: skip
    for _ in range(rows):
        make_post(board, member, kind="image", attachments=[make_upload(member).pk],
                  alt_texts=["x"])  # fmt: skip
    signed_in(client, member).get(reverse("space-home", args=[board.slug]))
    # (Read state: one query reads my marks, one counts the space's unread posts. The cards:
    # one reads their last comments, one my place in the space, posts.queries.present_page.
    # One ranks the space's go-to colleagues: nobody has helped yet, so no more.)
    with django_assert_num_queries(15):
        response = client.get(reverse("space-home", args=[board.slug]))
    assert len(response.context["feed"].items) == rows


def test_new_post_form_offers_image_posts_with_alt_text_per_picture(client, board, member):
    body = (
        signed_in(client, member)
        .get(reverse("post-create", args=[board.slug]) + "?kind=image")
        .content.decode()
    )
    assert 'enctype="multipart/form-data"' in body
    assert 'name="picture_1"' in body
    assert 'name="alt_1"' in body
    assert '<label for="id_alt_3"' in body
    assert 'name="picture_4"' not in body
    body = client.get(reverse("post-create", args=[board.slug]) + "?kind=image&slots=99").content
    assert b'name="picture_10"' in body
    assert b'name="picture_11"' not in body


def test_new_image_post_from_the_page(client, board, member):
    response = signed_in(client, member).post(
        reverse("post-create", args=[board.slug]),
        {
            "kind": "image",
            "slots": "3",
            "body": "The crane arrived",
            "picture_1": upload_file("crane.jpg", picture_bytes("JPEG")),
            "alt_1": "A yellow crane",
            "picture_2": upload_file("site.png", picture_bytes("PNG")),
            "alt_2": "The site from above",
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert [(a.original_name, a.alt_text) for a in post.attachments.all()] == [
        ("crane.jpg", "A yellow crane"),
        ("site.jpg", "The site from above"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"alt_1": "A crane"}, "Choose at least one picture"),
        ({"picture_1": "png", "alt_1": ""}, "Describe picture 1"),
        ({"picture_1": "html", "alt_1": "A crane"}, "content is HTML, not PNG"),
        ({"picture_1": "png", "alt_1": "ok", "picture_2": "svg", "alt_2": "b"}, "is SVG, not PNG"),
    ],
)
def test_new_image_post_refusals_keep_nothing(client, board, member, data, message):
    files = {
        "png": lambda: upload_file("a.png", picture_bytes()),
        "html": lambda: upload_file("a.png", b"<html><script>alert(1)</script></html>"),
        "svg": lambda: upload_file("b.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    }
    sent = {
        key: files[value]() if key.startswith("picture") else value for key, value in data.items()
    }
    response = signed_in(client, member).post(
        reverse("post-create", args=[board.slug]), {"kind": "image", "slots": "3", **sent}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.exists()
    assert not Attachment.objects.exists()


def test_new_resource_with_a_file_from_the_page(client, course, member):
    response = signed_in(client, member).post(
        reverse("post-create", args=[course.slug]),
        {"kind": "resource", "title": "Reading", "file": upload_file("list.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.attachments.get().original_name == "list.pdf"
    assert len(stored_files()) == 1


def test_image_posts_are_offered_where_the_space_takes_them(client, board, course, owner):
    add_member(course, PersonFactory())
    body = signed_in(client, owner).get(reverse("post-create", args=[board.slug])).content.decode()
    assert "?kind=image" in body
    assert Role.OWNER  # the owner may also post announcements there
