"""Moderators hiding (with a reason) and restoring comments: the actions, the page, the API."""

import json

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import (
    do_accept_answer,
    do_hide_comment,
    do_remove_comment,
    do_restore_comment,
)
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

SECRET = "canary-hidden-comment-3f9a"


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


@pytest.fixture
def writer(space):
    return add_member(space, PersonFactory(display_name="Wes Writer")).person


@pytest.fixture
def moderator(space):
    return add_member(space, PersonFactory(display_name="Mo Moderator"), role=Role.MODERATOR).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def question(space, member):
    return make_post(space, member, kind="question", title="Which chart for shares?")


@pytest.fixture
def answer(question, writer):
    return make_comment(question, writer, f"Use a bar chart. {SECRET}")


def snapshot() -> list[tuple]:
    return [
        *Comment.objects.order_by("pk").values_list("pk", "state", "hidden_reason"),
        *Post.objects.order_by("pk").values_list("pk", "answer_count", "accepted_answer_id"),
        (AuditEntry.objects.filter(target_type="posts.comment").count(),),
    ]


def audit_actions(comment: Comment) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(target_type="posts.comment", target_id=comment.pk)
        .order_by("pk")
        .values_list("action", "actor_id", "data")
    )


def fresh(comment: Comment) -> Comment:
    return Comment.objects.select_related("post", "post__space").get(pk=comment.pk)


# --- Actions ---------------------------------------------------------------------------------


def test_do_hide_comment_hides_with_reason_lowers_answer_count_and_audits(answer, moderator):
    do_hide_comment(answer, actor=moderator, reason="  Please cite a source.  ")
    answer.refresh_from_db()
    assert (answer.state, answer.hidden_reason) == (ContentState.HIDDEN, "Please cite a source.")
    assert Post.objects.get(pk=answer.post_id).answer_count == 0
    entries = AuditEntry.objects.filter(action="comment.hide", target_id=answer.pk)
    assert [(e.actor_id, e.data.get("reason")) for e in entries] == [
        (moderator.pk, "Please cite a source.")
    ]


def test_do_restore_comment_shows_again_raises_answer_count_and_audits(answer, moderator):
    do_hide_comment(answer, actor=moderator, reason="Off topic.")
    do_restore_comment(fresh(answer), actor=moderator)
    answer.refresh_from_db()
    assert (answer.state, answer.hidden_reason) == (ContentState.VISIBLE, "")
    assert Post.objects.get(pk=answer.post_id).answer_count == 1
    assert AuditEntry.objects.filter(
        action="comment.restore", target_id=answer.pk, actor=moderator
    ).exists()


def test_do_hide_comment_keeps_an_accepted_answer_accepted(question, answer, member, moderator):
    do_accept_answer(question, answer, actor=member)
    do_hide_comment(fresh(answer), actor=moderator, reason="Rude.")
    assert Post.objects.get(pk=question.pk).accepted_answer_id == answer.pk


def test_do_hide_comment_on_a_reply_leaves_answer_count(question, answer, member, moderator):
    reply = make_comment(question, member, "Thanks!", parent=answer)
    do_hide_comment(fresh(reply), actor=moderator, reason="Spam.")
    assert Post.objects.get(pk=question.pk).answer_count == 1
    do_restore_comment(fresh(reply), actor=moderator)
    assert Post.objects.get(pk=question.pk).answer_count == 1


def test_do_hide_comment_by_the_space_owner(answer, owner):
    do_hide_comment(fresh(answer), actor=owner, reason="Spam.")
    assert fresh(answer).state == ContentState.HIDDEN


@pytest.mark.parametrize("who", ["member", "writer", "outsider"])
def test_do_hide_comment_refuses_non_moderators(request, answer, who):
    before = snapshot()
    with pytest.raises(NotAllowed):
        do_hide_comment(fresh(answer), actor=request.getfixturevalue(who), reason="No.")
    assert snapshot() == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_do_hide_comment_refuses_a_missing_or_long_reason(answer, moderator, reason):
    before = snapshot()
    with pytest.raises(InvalidInput) as error:
        do_hide_comment(fresh(answer), actor=moderator, reason=reason)
    assert error.value.field == "reason"
    assert snapshot() == before


def test_do_hide_comment_refuses_an_already_hidden_comment(answer, moderator):
    do_hide_comment(fresh(answer), actor=moderator, reason="First.")
    before = snapshot()
    with pytest.raises(Conflict, match="Only a visible comment"):
        do_hide_comment(fresh(answer), actor=moderator, reason="Second.")
    assert snapshot() == before


def test_do_hide_comment_refuses_a_removed_comment(answer, writer, moderator):
    do_remove_comment(fresh(answer), actor=writer)
    before = snapshot()
    with pytest.raises(Conflict):
        do_hide_comment(fresh(answer), actor=moderator, reason="Late.")
    assert snapshot() == before


def test_do_restore_comment_refuses_a_visible_comment(answer, moderator):
    before = snapshot()
    with pytest.raises(Conflict, match="already visible"):
        do_restore_comment(fresh(answer), actor=moderator)
    assert snapshot() == before


def test_do_restore_comment_refuses_what_its_author_removed(answer, writer, moderator):
    do_remove_comment(fresh(answer), actor=writer)
    before = snapshot()
    with pytest.raises(Conflict, match="author removed"):
        do_restore_comment(fresh(answer), actor=moderator)
    assert snapshot() == before
    assert fresh(answer).state == ContentState.REMOVED_BY_AUTHOR


def test_do_restore_comment_brings_back_a_moderator_removed_answer(answer, moderator):
    do_remove_comment(fresh(answer), actor=moderator)
    assert Post.objects.get(pk=answer.post_id).answer_count == 0
    do_restore_comment(fresh(answer), actor=moderator)
    assert fresh(answer).state == ContentState.VISIBLE
    assert Post.objects.get(pk=answer.post_id).answer_count == 1


@pytest.mark.parametrize("who", ["member", "writer"])
def test_do_restore_comment_refuses_non_moderators(request, answer, moderator, who):
    do_hide_comment(fresh(answer), actor=moderator, reason="Spam.")
    before = snapshot()
    with pytest.raises(NotAllowed):
        do_restore_comment(fresh(answer), actor=request.getfixturevalue(who))
    assert snapshot() == before


# --- Page ------------------------------------------------------------------------------------


def signed_in(client, person):
    client.force_login(person)
    return client


def page(client, person, post):
    return signed_in(client, person).get(reverse("post-detail", args=[post.pk]))


def test_page_offers_hide_and_restore_to_moderators(client, question, answer, member, moderator):
    reply = make_comment(question, member, "Thanks!", parent=answer)
    body = page(client, moderator, question).content.decode()
    assert reverse("comment-hide", args=[answer.pk]) in body
    assert reverse("comment-hide", args=[reply.pk]) in body
    assert f'<label for="hide-reason-{answer.pk}">' in body
    do_hide_comment(fresh(reply), actor=moderator, reason="Spam.")
    body = page(client, moderator, question).content.decode()
    assert reverse("comment-restore", args=[reply.pk]) in body
    assert reverse("comment-hide", args=[reply.pk]) not in body


def test_page_offers_no_hide_to_members(client, question, answer, member):
    body = page(client, member, question).content.decode()
    assert reverse("comment-hide", args=[answer.pk]) not in body


def test_hide_comment_view_hides_with_reason(client, question, answer, moderator):
    url = reverse("comment-hide", args=[answer.pk])
    response = signed_in(client, moderator).post(url, {"reason": "Cite a source."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{answer.pk}")
    assert (fresh(answer).state, fresh(answer).hidden_reason) == ("hidden", "Cite a source.")


def test_hide_comment_view_without_reason_changes_nothing(client, answer, moderator):
    before = snapshot()
    url = reverse("comment-hide", args=[answer.pk])
    response = signed_in(client, moderator).post(url, {"reason": " "}, follow=True)
    assert response.status_code == 200
    assert "Say why the comment is hidden" in response.content.decode()
    assert snapshot() == before


def test_hide_comment_view_refuses_a_member_and_an_outsider(client, answer, member, outsider):
    before = snapshot()
    url = reverse("comment-hide", args=[answer.pk])
    assert signed_in(client, member).post(url, {"reason": "No."}).status_code == 403
    assert signed_in(client, outsider).post(url, {"reason": "No."}).status_code == 404
    assert snapshot() == before


def test_restore_comment_view(client, answer, moderator, member, outsider):
    do_hide_comment(fresh(answer), actor=moderator, reason="Spam.")
    url = reverse("comment-restore", args=[answer.pk])
    before = snapshot()
    # A member cannot see the hidden comment at all; an outsider not even the post.
    assert signed_in(client, member).post(url).status_code == 404
    assert signed_in(client, outsider).post(url).status_code == 404
    assert snapshot() == before
    assert signed_in(client, moderator).post(url).status_code == 302
    assert fresh(answer).state == ContentState.VISIBLE


def test_page_shows_the_author_the_reason_and_others_nothing(
    client, question, answer, moderator, writer, member
):
    do_hide_comment(fresh(answer), actor=moderator, reason="Please cite a source")
    body = page(client, writer, question).content.decode()
    assert "Hidden by a moderator: Please cite a source." in body
    assert SECRET in body
    body = page(client, member, question).content.decode()
    assert SECRET not in body
    assert "Please cite a source" not in body


# --- API -------------------------------------------------------------------------------------


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api_post(client, url: str, person: Person, data: object = None):
    body = "" if data is None else json.dumps(data)
    return client.post(url, body, content_type="application/json", **bearer(person))


def test_api_hide_and_restore_comment(client, answer, moderator):
    response = api_post(
        client, f"/api/v1/comments/{answer.pk}/hide", moderator, {"reason": "Cite a source."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["hidden_reason"]) == (
        "hidden",
        "Cite a source.",
    )
    response = api_post(client, f"/api/v1/comments/{answer.pk}/restore", moderator)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "visible"
    assert [action for action, _, _ in audit_actions(answer)] == [
        "comment.hide",
        "comment.restore",
    ]


def test_api_hide_comment_refusals_change_nothing(client, answer, member, outsider, moderator):
    before = snapshot()
    url = f"/api/v1/comments/{answer.pk}/hide"
    assert api_post(client, url, member, {"reason": "No."}).status_code == 403
    assert api_post(client, url, outsider, {"reason": "No."}).status_code == 404
    assert api_post(client, url, moderator, {"reason": ""}).status_code == 400
    assert api_post(client, url, moderator, {}).status_code == 422
    response = api_post(client, f"/api/v1/comments/{answer.pk}/restore", moderator)
    assert response.status_code == 409
    assert "already visible" in response.json()["detail"]
    assert snapshot() == before


def test_api_comments_hide_a_hidden_comment_from_other_members(
    client, question, answer, moderator, writer, member
):
    do_hide_comment(fresh(answer), actor=moderator, reason="Cite a source.")
    url = f"/api/v1/posts/{question.pk}/comments"

    def listed(person):
        response = client.get(url, **bearer(person))
        assert response.status_code == 200
        return {item["id"]: item["hidden_reason"] for item in response.json()["items"]}

    assert listed(member) == {}
    assert listed(writer) == {answer.pk: "Cite a source."}
    assert listed(moderator) == {answer.pk: "Cite a source."}


def test_hide_comment_in_another_space_is_not_found(client, outsider, moderator):
    other = make_space(outsider, name="Elsewhere", slug="elsewhere")
    elsewhere = make_comment(make_post(other, outsider), outsider)
    before = snapshot()
    url = reverse("comment-hide", args=[elsewhere.pk])
    assert signed_in(client, moderator).post(url, {"reason": "No."}).status_code == 404
    assert snapshot() == before
