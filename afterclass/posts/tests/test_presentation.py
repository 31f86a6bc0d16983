"""A removed post keeps no words on any surface: the page and its <title>, the comment editor,
the notices about it, the API. Canaries: text that must never appear once the post is gone."""

import re

import pytest
from django.urls import reverse

from afterclass.notifications.models import Notification
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.actions import do_remove_post, do_reveal_asker
from afterclass.posts.notices import comment_notices
from afterclass.posts.presentation import headline
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions, Role, Space, Template
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CANARY = "canary-7f3a9-removed-post"


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


def page_title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert match, "the page has no <title>"
    return match.group(1)


@pytest.fixture
def tips(owner, member):
    tips = make_space(owner, name="Quick tips", slug="tips", template=Template.TIPS)
    add_member(tips, member)
    return tips


@pytest.fixture(params=["titled", "untitled update"])
def removed_post(request, space, tips, member):
    if request.param == "titled":
        post = make_post(space, member, title=f"Title {CANARY}", body=f"Body {CANARY}")
    else:
        post = make_post(tips, member, kind="update", title="", body=f"{CANARY} in the body")
    make_comment(post, member, "A comment that stays.")
    do_remove_post(post, actor=member)
    return post


@pytest.mark.parametrize("who", ["author", "member", "moderator", "owner", "admin"])
def test_removed_post_page_shows_no_words_of_it_in_title_or_body(
    client, owner, member, removed_post, who
):
    space = removed_post.space
    viewers = {
        "author": lambda: member,
        "member": lambda: add_member(space).person,
        "moderator": lambda: add_member(space, role=Role.MODERATOR).person,
        "owner": lambda: owner,
        "admin": lambda: AdminFactory(),
    }
    client.force_login(viewers[who]())

    html = client.get(reverse("post-detail", args=[removed_post.pk])).content.decode()

    assert CANARY not in page_title(html)
    assert page_title(html).startswith(("Discussion", "Update"))
    assert CANARY not in html
    assert "A comment that stays." in html


def test_visible_post_page_title_is_its_headline(client, space, member):
    post = make_post(space, member, title="Retro formats", body="Which ones work?")
    client.force_login(member)

    html = client.get(reverse("post-detail", args=[post.pk])).content.decode()

    assert page_title(html).startswith("Retro formats · Data skills")


def test_comment_editor_of_a_removed_post_shows_no_words_of_it(client, space, member):
    post = make_post(space, member, title=f"Title {CANARY}")
    comment = make_comment(post, member, "My comment")
    do_remove_post(post, actor=member)
    client.force_login(member)

    response = client.get(reverse("comment-edit", args=[comment.pk]))

    assert response.status_code == 200
    assert CANARY not in response.content.decode()


def test_notices_about_a_removed_post_do_not_quote_it(space, owner, member):
    post = make_post(space, member, title=f"Title {CANARY}")
    comment = make_comment(post, owner, "Written before it was removed.")
    do_remove_post(post, actor=member)

    notices = comment_notices(comment, actor=owner, mentioned=[member])

    assert notices
    assert not [notice for notice, _ in notices if CANARY in notice.message]


def test_revealing_the_asker_of_a_removed_question_does_not_quote_it(
    space, member, django_capture_on_commit_callbacks
):
    Space.objects.filter(pk=space.pk).update(anonymous_questions=AnonymousQuestions.MEMBERS)
    space.refresh_from_db()
    post = make_post(space, member, kind="question", title=f"Q {CANARY}", anonymous=True)
    do_remove_post(post, actor=member)

    with django_capture_on_commit_callbacks(execute=True):
        do_reveal_asker(post, actor=AdminFactory(), reason="A report of harassment")

    messages = list(Notification.objects.filter(recipient=member).values_list("message", flat=True))
    assert messages == ["An organisation admin saw that you asked “Question”. "
                        "Reason: A report of harassment"]  # fmt: skip


def test_api_post_of_a_removed_post_has_no_title_or_body(client, space, member, removed_post):
    client.force_login(member)

    body = client.get(f"/api/v1/posts/{removed_post.pk}").json()

    assert (body["title"], body["body"], body["body_html"]) == ("", "", "")
    assert CANARY not in str(body)


def test_headline_is_title_or_start_of_text_or_kind(space, tips, member):
    long_update = make_post(tips, member, kind="update", title="", body="word " * 40)
    assert headline(make_post(space, member, title="A title")) == "A title"
    assert len(headline(long_update)) == 80
    assert headline(long_update).endswith("…")
    do_remove_post(long_update, actor=member)
    assert headline(long_update) == "Update"


def test_headline_of_an_untitled_post_is_its_words_without_markdown(owner, member, client):
    tips = make_space(owner, name="Quick tips", slug="tips", template=Template.TIPS)
    add_member(tips, member)
    update = make_post(
        tips,
        member,
        kind="update",
        title="",
        body="**Tip:** use [pivot tables](https://example.org/pivot) and `Ctrl+T`\n\n# More",
    )
    assert headline(update) == "Tip: use pivot tables and Ctrl+T More"
    client.force_login(member)
    page = client.get(reverse("post-detail", args=[update.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Tip: use pivot tables and Ctrl+T More" in title
    assert "**" not in title
    assert "example.org" not in title


def test_markdown_text_keeps_code_and_drops_markup():
    from afterclass.core.markdown import markdown_text

    assert markdown_text("> quoted *words*\n\n```\nprint(1)\n```") == "quoted words print(1)"
    assert markdown_text("") == ""
