"""Pictures seen large: on a card (the feed, a space's grid) and on a post's page every picture is
a link to its own full-size file, the address lightbox.js opens in its dialog (and the page opens
without JavaScript); only those who may see the post are given that address, and it serves them
alone."""

import re

import pytest
from django.urls import reverse

from afterclass.attachments.tests.factories import make_upload
from afterclass.attachments.views import file_url, thumbnail_url
from afterclass.posts.actions import do_hide_post, do_remove_post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

ALTS = ["A crane over the new wing", "The atrium, glazed"]


@pytest.fixture
def pictures(board, member):
    uploads = [make_upload(member, f"site-{n}.png") for n in range(2)]
    post = make_post(
        board, member, kind="image", attachments=[u.pk for u in uploads], alt_texts=ALTS
    )
    return post, uploads


def page(client, person, url: str) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def picture_links(body: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" data-lightbox-picture>', body)


@pytest.mark.parametrize("where", ["home-feed", "space-home", "post-detail"])
def test_pictures_link_to_their_full_size_files_in_one_group(
    client, board, member, pictures, where
):
    post, uploads = pictures
    args = {"home-feed": [], "space-home": [board.slug], "post-detail": [post.pk]}[where]
    body = page(client, member, reverse(where, args=args))
    # In the post's order, each the full file (not the post's page, not the thumbnail).
    assert picture_links(body) == [file_url(upload) for upload in uploads]
    assert body.count("data-lightbox-group") == 1
    for upload, alt in zip(uploads, ALTS, strict=True):
        assert f'alt="{alt}"' in body
        if where != "post-detail":
            # The card shows the small picture; the dialog loads the large one on demand.
            assert f'src="{thumbnail_url(upload)}"' in body


def test_base_page_loads_the_lightbox_script(client, member):
    body = page(client, member, reverse("home-feed"))
    assert '<script src="/static/afterclass/lightbox.js" defer></script>' in body


def test_outsider_gets_no_picture_address_and_the_file_refuses_them(
    client, board, member, outsider, pictures
):
    post, uploads = pictures
    feed = page(client, outsider, reverse("home-feed"))
    assert picture_links(feed) == []
    for upload in uploads:
        assert file_url(upload) not in feed
        assert client.get(file_url(upload)).status_code == 404
    assert client.get(reverse("post-detail", args=[post.pk])).status_code == 404


def test_a_removed_post_gives_no_picture_address_any_more(client, board, member, pictures):
    post, uploads = pictures
    do_remove_post(post, actor=member)
    for url in (reverse("space-home", args=[board.slug]), reverse("post-detail", args=[post.pk])):
        assert picture_links(page(client, member, url)) == []
    assert client.get(file_url(uploads[0])).status_code == 404


def test_a_hidden_post_shows_its_pictures_to_its_author_alone(
    client, board, owner, member, outsider, pictures
):
    post, uploads = pictures
    other = add_member(board, outsider).person
    do_hide_post(post, actor=owner, reason="Shows a colleague's screen")
    assert picture_links(page(client, other, reverse("space-home", args=[board.slug]))) == []
    assert client.get(file_url(uploads[0])).status_code == 404
    mine = page(client, member, reverse("post-detail", args=[post.pk]))
    assert picture_links(mine) == [file_url(upload) for upload in uploads]
