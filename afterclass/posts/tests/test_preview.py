"""The editor's Preview: the server renders a text as a saved post would show it, and nothing
more (no rows written, nobody told about a mention)."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from afterclass.core.markdown import ALLOWED_TAGS
from afterclass.notifications.models import Notification
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Comment, Mention, Post
from afterclass.posts.tests.factories import make_post
from afterclass.posts.views.preview import MAX_PREVIEW_LENGTH
from afterclass.spaces.models import Visibility
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
def member(space):
    person = PersonFactory(display_name="Mina Member", email="mina.member@example.org")
    add_member(space, person)
    return person


@pytest.fixture
def url(space):
    return reverse("post-preview", args=[space.slug])


def _preview(client, url, text):
    return client.post(url, {"text": text})


def _counts():
    return (
        Post.objects.count(),
        Comment.objects.count(),
        Mention.objects.count(),
        Notification.objects.count(),
    )


def test_preview_renders_like_a_saved_post(client, member, owner, space, url):
    text = "**Bold** and _soft_, #dataviz, ask @olive.owner\n\n- one\n- two\n\n[a link](https://example.org)"
    client.force_login(member)
    response = _preview(client, url, text)
    saved = make_post(space, member, body=text)
    assert response.status_code == 200
    assert response.content.decode() == saved.body_html
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert 'class="hashtag"' in html
    assert f'class="mention" href="{reverse("person-profile", args=[owner.pk])}"' in html
    assert response["Cache-Control"].startswith("max-age=0")


class _Elements(HTMLParser):
    """The elements and attributes a browser would make of the HTML (escaped text is text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example/"></iframe>',
        "[click](javascript:alert(3))",
        '<a href="javascript:alert(4)">x</a>',
        '<img src=x onerror="alert(5)">',
        "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjUpPg==)",
    ],
)
def test_preview_strips_what_runs_script(client, member, url, text):
    client.force_login(member)
    response = _preview(client, url, text)
    assert response.status_code == 200
    parser = _Elements()
    parser.feed(response.content.decode())
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript:", "data:"))


def test_preview_of_nothing_says_so(client, member, url):
    client.force_login(member)
    response = _preview(client, url, "   ")
    assert response.status_code == 200
    assert "Nothing to preview yet." in response.content.decode()


def test_preview_refuses_a_text_longer_than_a_post(client, member, url):
    client.force_login(member)
    response = _preview(client, url, "a" * (MAX_PREVIEW_LENGTH + 1))
    assert response.status_code == 400
    assert f"at most {MAX_PREVIEW_LENGTH} characters" in response.content.decode()


def test_preview_refuses_a_null_character(client, member, url):
    client.force_login(member)
    response = _preview(client, url, "a\x00b")
    assert response.status_code == 400
    assert "null character" in response.content.decode()


def test_preview_accepts_the_longest_post(client, member, url):
    client.force_login(member)
    assert _preview(client, url, "a" * MAX_PREVIEW_LENGTH).status_code == 200


def test_preview_signed_out_is_sent_to_sign_in(client, url):
    response = _preview(client, url, "**hi**")
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_preview_only_answers_post(client, member, url):
    client.force_login(member)
    assert client.get(url, {"text": "**hi**"}).status_code == 405


def test_preview_enforces_csrf(member, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(url, {"text": "**hi**"}).status_code == 403


def test_preview_of_a_space_one_may_not_see_is_not_found(client, owner):
    secret = make_space(owner, name="Board room", slug="board-room", visibility=Visibility.SECRET)
    outsider = PersonFactory()
    client.force_login(outsider)
    response = _preview(client, reverse("post-preview", args=[secret.slug]), "hi")
    assert response.status_code == 404


def test_preview_writes_nothing_and_tells_nobody(client, member, owner, space, url):
    post = make_post(space, owner, body="Earlier post")
    client.force_login(member)
    before = _counts()
    response = _preview(client, url, f"Thanks @olive.owner, see #charts and post {post.pk}")
    assert response.status_code == 200
    assert 'class="mention"' in response.content.decode()
    assert _counts() == before


def test_preview_does_not_link_people_who_cannot_see_the_space(client, member, url):
    PersonFactory(email="out.sider@example.org")
    client.force_login(member)
    html = _preview(client, url, "hello @out.sider").content.decode()
    assert "@out.sider" in html
    assert 'class="mention"' not in html
