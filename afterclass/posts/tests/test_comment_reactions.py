"""Reactions on comments and answers: the counters kept on the row, the toggle on the post page
(full page and htmx), who is refused, and the query counts of the thread and the API list."""

import json

import pytest
from django.urls import reverse

from afterclass.core.errors import Conflict, NotAllowed
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.access import access_post
from afterclass.posts.actions import do_react, do_remove_comment
from afterclass.posts.models import Comment, ContentState, Reaction
from afterclass.posts.queries import post_thread
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
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


@pytest.fixture
def helper(space):
    return add_member(space, PersonFactory(display_name="Hal Helper")).person


@pytest.fixture
def question(space, member):
    return make_post(space, member, kind="question", title="How do I join two tables?")


@pytest.fixture
def answer(question, helper):
    return make_comment(question, helper, "Use a left join.")


def react_url(comment: Comment) -> str:
    return reverse("comment-react", args=[comment.pk])


def counts(comment: Comment) -> tuple[int, int]:
    comment.refresh_from_db(fields=["reaction_count", "helped_count"])
    return comment.reaction_count, comment.helped_count


def bearer(person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- Action ----------------------------------------------------------------------------------


def test_do_react_on_a_comment_keeps_its_counters(answer, member, owner, question):
    assert do_react(actor=member, kind="helped", comment=answer) is True
    assert do_react(actor=owner, kind="like", comment=answer) is True
    assert do_react(actor=member, kind="helped", comment=answer) is True  # twice counts once
    assert counts(answer) == (2, 1)
    assert do_react(actor=member, kind="helped", comment=answer, on=False) is False
    assert counts(answer) == (1, 0)
    assert do_react(actor=member, kind="helped", comment=answer, on=False) is False
    assert counts(answer) == (1, 0)
    question.refresh_from_db()
    assert (question.reaction_count, question.helped_count) == (0, 0)


def test_do_react_on_a_comment_refuses_non_members(answer):
    stranger = PersonFactory()
    with pytest.raises(NotAllowed):
        do_react(actor=stranger, kind="helped", comment=answer)
    assert not Reaction.objects.exists()
    assert counts(answer) == (0, 0)


def test_do_react_refuses_removed_and_hidden_comments(answer, helper, member, question):
    hidden = make_comment(question, helper, "Another way.")
    Comment.objects.filter(pk=hidden.pk).update(state=ContentState.HIDDEN)
    hidden.refresh_from_db()
    do_remove_comment(answer, actor=helper)
    for refused in (answer, hidden):
        with pytest.raises(Conflict):
            do_react(actor=member, kind="helped", comment=refused)
        assert counts(refused) == (0, 0)
    assert not Reaction.objects.exists()


# --- Page ------------------------------------------------------------------------------------


def test_comment_react_toggles_on_and_off_without_js(client, answer, member, question):
    client.force_login(member)
    response = client.post(react_url(answer), {"kind": "helped", "on": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{answer.pk}")
    assert counts(answer) == (1, 1)
    page = client.get(reverse("post-detail", args=[question.pk])).content.decode()
    assert "1 found this helpful" in page
    assert 'aria-pressed="true"' in page
    client.post(react_url(answer), {"kind": "helped"})
    assert counts(answer) == (0, 0)
    assert not Reaction.objects.exists()
    page = client.get(reverse("post-detail", args=[question.pk])).content.decode()
    assert "found this helpful" not in page


def test_comment_react_htmx_returns_the_control(client, answer, member):
    client.force_login(member)
    response = client.post(react_url(answer), {"kind": "helped", "on": "1"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="comment-reactions-{answer.pk}"' in html
    assert "1 found this helpful" in html
    assert 'aria-pressed="true"' in html
    assert "<html" not in html


def reaction_forms(html: str, comment: Comment) -> list[str]:
    """The <form>s on a page that send reactions to `comment`."""
    action = f'action="{react_url(comment)}"'
    return [part for part in html.split("<form")[1:] if action in part.split(">", 1)[0]]


def test_thread_shows_one_reaction_form_per_comment(client, answer, member, question, helper):
    reply = make_comment(question, helper, "And index the key.", parent=answer)
    do_react(actor=member, kind="like", comment=reply)
    client.force_login(member)
    html = client.get(reverse("post-detail", args=[question.pk])).content.decode()
    for comment in (answer, reply):
        [form] = reaction_forms(html, comment)
        body = form.split("</form>", 1)[0]
        assert body.count('name="csrfmiddlewaretoken"') == 1
        assert body.count('<button name="kind"') == 4
        for kind in ("like", "helped", "celebrate", "insightful"):
            assert f'name="kind" value="{kind}"' in body
    [reply_form] = reaction_forms(html, reply)
    assert 'name="pressed" value="like"' in reply_form
    assert f'data-focus-key="react-comment-{reply.pk}-like" class="reaction on"' in reply_form
    assert reply_form.count('aria-pressed="true"') == 1


def test_comment_react_one_form_toggles_what_the_page_showed(client, answer, member, question):
    """Without JavaScript: the pressed button's kind, and the kinds the page showed pressed."""
    client.force_login(member)
    response = client.post(react_url(answer), {"kind": "helped", "pressed": ""})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{answer.pk}")
    assert counts(answer) == (1, 1)
    # The same form sent twice (a double click) does not take the reaction back.
    client.post(react_url(answer), {"kind": "helped", "pressed": ""})
    assert counts(answer) == (1, 1)
    client.post(react_url(answer), {"kind": "like", "pressed": "helped "})
    assert counts(answer) == (2, 1)
    client.post(react_url(answer), {"kind": "helped", "pressed": "helped like"})
    assert counts(answer) == (1, 0)
    assert set(Reaction.objects.values_list("kind", flat=True)) == {"like"}


def test_comment_react_one_form_with_htmx_returns_the_form(client, answer, member):
    client.force_login(member)
    response = client.post(react_url(answer), {"kind": "helped", "pressed": ""}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    [form] = reaction_forms(html, answer)
    assert f'id="comment-reactions-{answer.pk}"' in form
    assert 'hx-target="this"' in form
    assert 'name="pressed" value="helped"' in form
    key = f'data-focus-key="react-comment-{answer.pk}-helped"'
    assert f'{key} class="reaction on" aria-pressed="true"' in form
    assert "1 found this helpful" in form
    said = json.loads(response["HX-Trigger-After-Settle"])["afterclass-updated"]["message"]
    assert said == "“This helped me” added. 1 reaction."
    response = client.post(
        react_url(answer), {"kind": "helped", "pressed": "helped "}, headers=HTMX
    )
    assert 'name="pressed" value=""' in response.content.decode()
    assert counts(answer) == (0, 0)


def test_comment_react_on_a_reply(client, answer, member, question, helper):
    reply = make_comment(question, member, "Thanks!", parent=answer)
    client.force_login(helper)
    client.post(react_url(reply), {"kind": "like", "on": "1"})
    assert counts(reply) == (1, 0)
    thread = post_thread(access_post(helper, question.pk), helper)
    assert thread.comments[0].visible_replies[0].my_reactions == {"like"}


def test_comment_react_bad_kind_changes_nothing(client, answer, member):
    client.force_login(member)
    response = client.post(react_url(answer), {"kind": "love", "on": "1"})
    assert response.status_code == 302
    assert not Reaction.objects.exists()
    assert counts(answer) == (0, 0)


def test_comment_react_refuses_removed_comment(client, answer, helper, member):
    do_remove_comment(answer, actor=helper)
    client.force_login(member)
    client.post(react_url(answer), {"kind": "helped", "on": "1"})
    assert not Reaction.objects.exists()
    assert counts(answer) == (0, 0)


def test_comment_react_refuses_a_non_member_of_a_listed_space(client, answer):
    client.force_login(PersonFactory())
    response = client.post(react_url(answer), {"kind": "helped", "on": "1"})
    assert response.status_code in (403, 404)
    assert not Reaction.objects.exists()


def test_comment_react_in_a_secret_space_is_404_for_outsiders(client, owner):
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    comment = make_comment(make_post(secret, owner), owner, "Private")
    client.force_login(PersonFactory())
    response = client.post(react_url(comment), {"kind": "helped", "on": "1"})
    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_comment_react_needs_sign_in_and_post(client, answer, member):
    response = client.post(react_url(answer), {"kind": "helped", "on": "1"})
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]
    client.force_login(member)
    assert client.get(react_url(answer)).status_code == 405
    assert not Reaction.objects.exists()


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_post_thread_sets_my_reactions_in_one_query(
    question, member, helper, rows, django_assert_num_queries
):
    for number in range(rows):
        found = make_comment(question, helper, f"Answer {number}")
        reply = make_comment(question, helper, f"Reply {number}", parent=found)
        do_react(actor=member, kind="helped", comment=found)
        do_react(actor=member, kind="like", comment=reply)
    post = access_post(member, question.pk)
    # moderated spaces, my reactions, my read marks, my membership, answers, their replies,
    # my reactions to them, my votes
    with django_assert_num_queries(8):
        thread = post_thread(post, member, limit=100)
    assert len(thread.comments) == rows
    for found in thread.comments:
        assert found.my_reactions == {"helped"}
        assert found.helped_count == 1
        assert [reply.my_reactions for reply in found.visible_replies] == [{"like"}]


@pytest.mark.parametrize("rows", [1, 50])
def test_post_page_with_reactions_query_count_is_flat(
    client, question, member, helper, rows, django_assert_num_queries
):
    for number in range(rows):
        found = make_comment(question, helper, f"Answer {number}")
        do_react(actor=member, kind="helped", comment=found)
    client.force_login(member)
    with django_assert_num_queries(15):  # as test_views: the post page with its read marks
        response = client.get(reverse("post-detail", args=[question.pk]))
    assert response.content.decode().count("1 found this helpful") == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_api_comments_carry_reactions_with_flat_queries(
    client, question, member, helper, rows, django_assert_num_queries
):
    for number in range(rows):
        found = make_comment(question, helper, f"Answer {number}")
        make_comment(question, member, "Reply", parent=found)
        do_react(actor=member, kind="helped", comment=found)
    auth = bearer(member)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(10):
        response = client.get(f"/api/v1/posts/{question.pk}/comments?limit=100", **auth)
    items = response.json()["items"]
    assert len(items) == rows
    for item in items:
        assert (item["reaction_count"], item["helped_count"]) == (1, 1)
        assert item["my_reactions"] == ["helped"]
        assert item["replies"][0]["my_reactions"] == []
        assert item["replies"][0]["reaction_count"] == 0


# --- Migration -------------------------------------------------------------------------------


def test_migration_counts_existing_comment_reactions(answer, member, owner, question):
    from importlib import import_module

    from django.apps import apps

    do_react(actor=member, kind="helped", comment=answer)
    do_react(actor=owner, kind="like", comment=answer)
    do_react(actor=member, kind="like", post=question)
    quiet = make_comment(question, owner, "No reactions here.")
    Comment.objects.update(reaction_count=0, helped_count=0)
    migration = import_module("afterclass.posts.migrations.0004_comment_reaction_counts")
    migration.count_reactions(apps, None)
    assert counts(answer) == (2, 1)
    assert counts(quiet) == (0, 0)
