"""The editor's extras: people to @mention (page and API), and new posts whose files were sent
ahead by compose.js (their ids in hidden fields)."""

import json

import pytest
from django.urls import reverse

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import (
    make_upload,
    pdf_bytes,
    picture_bytes,
    upload_file,
)
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.suggestions import mention_suggestions
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import (
    AnonymousQuestions,
    MembershipState,
    Space,
    Template,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner", email="olive.owner@example.org")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def board(owner):
    return make_space(owner, name="Site photos", slug="photos", template=Template.VISUAL)


@pytest.fixture
def member(space, board):
    person = PersonFactory(display_name="Mina Member", email="mina.member@example.org")
    add_member(space, person)
    add_member(board, person)
    return person


@pytest.fixture
def adas(space):
    """Two members called Ada, one found by handle, and people who must not be offered."""
    ada = add_member(space, PersonFactory(display_name="Ada Lovelace", email="ada@example.org"))
    adam = add_member(
        space, PersonFactory(display_name="Adam Smith", email="adam.smith@example.org")
    )
    add_member(space, PersonFactory(display_name="Gone Adams", email="gone@example.org",
                                    is_active=False))  # fmt: skip
    add_member(space, PersonFactory(display_name="Left Adair", email="left@example.org"),
               state=MembershipState.LEFT)  # fmt: skip
    PersonFactory(display_name="Adrian Outsider", email="adrian@example.org")
    return ada.person, adam.person


def suggest(client, person, space_slug, typed):
    client.force_login(person)
    return client.get(reverse("mention-suggestions", args=[space_slug]), {"q": typed})


# --- People to mention ----------------------------------------------------------------------


def test_mention_suggestions_offer_active_members_by_name_and_handle(space, member, adas):
    found = mention_suggestions(space, "ad")
    assert [(s.handle, s.name) for s in found] == [
        ("ada", "Ada Lovelace"),
        ("adam.smith", "Adam Smith"),
    ]
    assert [s.handle for s in mention_suggestions(space, "@adam.S")] == ["adam.smith"]
    assert [s.handle for s in mention_suggestions(space, "lovel")] == ["ada"]
    assert mention_suggestions(space, "") == []
    assert mention_suggestions(space, "  ") == []
    assert mention_suggestions(space, "x" * 65) == []
    assert mention_suggestions(space, "a\x00") == []


def test_mention_suggestions_are_at_most_eight(space):
    for number in range(12):
        add_member(space, PersonFactory(display_name=f"Sam {number:02d}"))
    found = mention_suggestions(space, "sam")
    assert [s.name for s in found] == [f"Sam {number:02d}" for number in range(8)]


def test_mention_suggestions_leave_out_a_handle_two_people_share(space):
    add_member(space, PersonFactory(display_name="Kim One", email="kim@example.org"))
    PersonFactory(display_name="Kim Two", email="kim@other.example")
    add_member(space, PersonFactory(display_name="Kimberly", email="kimberly@example.org"))
    assert [s.handle for s in mention_suggestions(space, "kim")] == ["kimberly"]


@pytest.mark.parametrize("rows", [1, 20])
def test_mention_suggestions_take_two_queries(space, django_assert_num_queries, rows):
    for number in range(rows):
        add_member(space, PersonFactory(display_name=f"Pat {number:02d}"))
    with django_assert_num_queries(2):
        assert len(mention_suggestions(space, "pat")) == min(rows, 8)


def test_mention_suggestions_page_answers_json(client, space, member, adas):
    response = suggest(client, member, space.slug, "ad")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == [
        {"handle": "ada", "name": "Ada Lovelace"},
        {"handle": "adam.smith", "name": "Adam Smith"},
    ]


def test_mention_suggestions_page_refuses_who_cannot_see_the_members(client, space, owner, adas):
    outsider = PersonFactory(display_name="Otto Outsider")
    # A listed space is known to everyone; its members only to members.
    assert suggest(client, outsider, space.slug, "ad").status_code == 403
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    add_member(secret, PersonFactory(display_name="Adele Secret", email="adele@example.org"))
    response = suggest(client, outsider, secret.slug, "ad")
    assert response.status_code == 404
    assert b"Adele" not in response.content
    assert suggest(client, outsider, "no-such-space", "ad").status_code == 404
    client.logout()
    response = client.get(reverse("mention-suggestions", args=[space.slug]), {"q": "ad"})
    assert response.status_code == 302
    assert b"Ada" not in response.content


def test_mention_suggestions_api(client, space, member, adas):
    client.force_login(member)
    response = client.get(f"/api/v1/spaces/{space.slug}/mention-suggestions", {"q": "ad"})
    assert response.status_code == 200
    assert response.json() == [
        {"handle": "ada", "name": "Ada Lovelace"},
        {"handle": "adam.smith", "name": "Adam Smith"},
    ]
    outsider = PersonFactory()
    client.force_login(outsider)
    assert client.get(f"/api/v1/spaces/{space.slug}/mention-suggestions?q=ad").status_code == 403
    client.logout()
    assert client.get(f"/api/v1/spaces/{space.slug}/mention-suggestions?q=ad").status_code == 401


def test_editors_ask_the_space_for_mentions(client, space, member):
    client.force_login(member)
    source = f'data-mention-source="{reverse("mention-suggestions", args=[space.slug])}"'
    assert source in client.get(reverse("post-create", args=[space.slug])).content.decode()
    post = make_post(space, member, title="Mine")
    assert source in client.get(reverse("post-edit", args=[post.pk])).content.decode()


def test_anonymous_question_with_a_mention_does_not_name_its_asker(client, space, member, adas):
    Space.objects.filter(pk=space.pk).update(anonymous_questions=AnonymousQuestions.EVERYONE)
    client.force_login(member)
    response = client.post(
        reverse("post-create", args=[space.slug]),
        {"kind": "question", "title": "Who knows pivots?", "body": "Maybe @ada knows?",
         "anonymous": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    client.force_login(adas[0])
    page = client.get(response["Location"]).content.decode()
    assert 'class="mention"' in page
    assert "Mina" not in page
    assert "mina.member" not in page


# --- New posts with files sent ahead --------------------------------------------------------


def test_new_post_page_offers_a_drop_zone(client, board, member):
    client.force_login(member)
    body = client.get(reverse("post-create", args=[board.slug]) + "?kind=image").content.decode()
    assert "data-drop-zone" in body
    assert f'data-upload-url="{reverse("api:upload")}"' in body
    assert 'data-max-bytes="26214400"' in body
    assert 'name="upload_1"' in body
    assert 'name="picture_1"' in body
    assert "required" in body.split('name="picture_1"')[1].split(">")[0]


def test_new_image_post_with_pictures_sent_ahead(client, board, member):
    first, second = make_upload(member, "a.png"), make_upload(member, "b.png")
    client.force_login(member)
    response = client.post(
        reverse("post-create", args=[board.slug]),
        {
            "kind": "image",
            "slots": "4",
            "upload_1": str(first.pk),
            "alt_1": "The first",
            "picture_2": upload_file("c.png", picture_bytes()),
            "alt_2": "Sent with the form",
            "upload_4": str(second.pk),
            "alt_4": "The last",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert [(a.original_name, a.alt_text) for a in post.attachments.all()] == [
        ("a.jpg", "The first"),
        ("c.jpg", "Sent with the form"),
        ("b.jpg", "The last"),
    ]


def test_new_image_post_refusal_keeps_the_pictures_sent_ahead(client, board, member, owner):
    mine, theirs = make_upload(member, "mine.png"), make_upload(owner, "theirs.png")
    client.force_login(member)
    url = reverse("post-create", args=[board.slug])
    response = client.post(url, {"kind": "image", "slots": "3", "upload_1": str(mine.pk)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Describe picture 1" in body
    assert "mine.jpg is ready." in body
    assert reverse("attachment-thumbnail", args=[mine.pk]) in body
    response = client.post(
        url,
        {"kind": "image", "slots": "3", "upload_1": str(mine.pk), "alt_1": "Mine",
         "upload_2": str(theirs.pk), "alt_2": "Theirs",
         "picture_3": upload_file("new.png", picture_bytes()), "alt_3": "New"},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert f"no upload of yours waiting to be attached with id {theirs.pk}" in body
    assert "theirs.jpg" not in body  # someone else's upload is never shown
    assert not Post.objects.exists()
    # Mine stays for the next try; the one sent with the refused form is not kept.
    assert set(Attachment.objects.all()) == {mine, theirs}


def test_new_resource_with_a_file_sent_ahead(client, space, member):
    document = make_upload(member, "list.pdf", pdf_bytes())
    client.force_login(member)
    response = client.post(
        reverse("post-create", args=[space.slug]),
        {"kind": "resource", "title": "Reading", "upload": str(document.pk)},
    )
    assert response.status_code == 302
    assert Post.objects.get().attachments.get() == document


def test_new_post_refuses_an_upload_id_that_is_not_a_number(client, board, member):
    client.force_login(member)
    response = client.post(
        reverse("post-create", args=[board.slug]),
        {"kind": "image", "slots": "3", "upload_1": "1; DROP", "alt_1": "x"},
    )
    assert response.status_code == 400
    assert not Post.objects.exists()
