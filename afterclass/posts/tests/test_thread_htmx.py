"""A post's thread without full page reloads: comments, answers and replies posted with htmx,
moderators' hide/restore and remove swapped in place, and the "New since your last visit" marks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_comment, do_remove_comment, do_set_locked
from afterclass.posts.models import Comment, ContentState, Post, ReadMark
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_publish_rules
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


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
def discussion(space, owner):
    return make_post(space, owner, title="Share your dashboards")


def signed_in(client, person):
    client.force_login(person)
    return client


def post_comment(client, post, data, *, htmx=True):
    url = reverse("post-comment", args=[post.pk])
    return client.post(url, data, headers=HTMX if htmx else {})


def comment_count(post: Post) -> tuple[int, int]:
    post.refresh_from_db()
    return post.comment_count, Comment.objects.filter(post=post).count()


# --- Writing with htmx -------------------------------------------------------------------


def test_thread_htmx_comment_answers_the_new_comment_and_the_count(client, discussion, member):
    client = signed_in(client, member)

    response = post_comment(client, discussion, {"body": "Here is **mine**."})

    created = Comment.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert (created.author, created.parent, created.body) == (member, None, "Here is **mine**.")
    # The fragment only, for the end of the list: no page around it.
    assert "<html" not in html
    assert response["HX-Retarget"] == "#comment-list"
    assert response["HX-Reswap"] == "beforeend"
    url = reverse("post-detail", args=[discussion.pk])
    assert response["HX-Replace-Url"] == f"{url}#comment-{created.pk}"
    assert f'<li class="card comment" id="comment-{created.pk}">' in html
    assert "<strong>mine</strong>" in html
    # Out of band: the heading with the new count, and an empty form in place of the sent one.
    assert 'id="comments-summary" hx-swap-oob="true"' in html
    assert ">1 comment</h2>" in html
    form = html[html.index('id="comment-form"') :]
    assert 'hx-swap-oob="true"' in form[: form.index(">")]
    assert "Here is **mine**." not in html
    # My own comment is not news to me, and it can take replies at once.
    assert "new-mark" not in html
    assert f'id="reply-form-{created.pk}"' in html
    assert f'id="replies-{created.pk}"' in html
    assert comment_count(discussion) == (1, 1)


def test_thread_htmx_answer_updates_the_answer_count(client, space, owner, member):
    question = make_post(space, owner, kind="question", title="Which chart?")
    make_comment(question, member, "A bar chart.")
    client = signed_in(client, member)

    response = post_comment(client, question, {"body": "Or a dot plot."})

    html = response.content.decode()
    assert response.status_code == 200
    assert ">2 answers</h2>" in html
    assert "0 votes" in html
    assert Comment.objects.filter(post=question, parent=None).count() == 2


def test_thread_htmx_reply_goes_under_its_comment(client, discussion, member, writer):
    parent = make_comment(discussion, writer, "Mine is a treemap.")
    client = signed_in(client, member)

    response = post_comment(client, discussion, {"body": "Nice one.", "parent": parent.pk})

    reply = Comment.objects.get(parent=parent)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#replies-{parent.pk}"
    assert response["HX-Reswap"] == "beforeend"
    assert html.lstrip().startswith(f'<li class="reply" id="comment-{reply.pk}">')
    assert "Nice one." in html
    assert ">2 comments</h2>" in html
    form = html[html.index(f'id="reply-form-{parent.pk}"') :]
    assert 'hx-swap-oob="true"' in form[: form.index(">")]
    assert "></textarea>" in form  # emptied
    # Only the reply: its parent is already on the page.
    assert "Mine is a treemap." not in html
    assert comment_count(discussion) == (2, 2)


def test_thread_htmx_reply_to_a_reply_joins_the_thread(client, discussion, member, writer):
    parent = make_comment(discussion, writer, "Top.")
    first = make_comment(discussion, member, "First reply.", parent=parent)
    client = signed_in(client, writer)

    response = post_comment(client, discussion, {"body": "Second.", "parent": first.pk})

    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#replies-{parent.pk}"
    assert Comment.objects.get(body="Second.").parent == parent


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Write something first."),
        ({"body": "   "}, "Write something first."),
        ({"body": "x" * 10001}, "at most 10000 characters"),
    ],
)
def test_thread_htmx_bad_comment_answers_the_form_with_the_reason(
    client, discussion, member, data, message
):
    client = signed_in(client, member)

    response = post_comment(client, discussion, data)

    html = response.content.decode()
    # htmx swaps no 4xx answer: a 200 that puts the form, with its message, in place of the form.
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert "HX-Replace-Url" not in response
    assert message in html
    assert html.lstrip().startswith("<form")
    assert 'id="comment-form"' in html
    assert "hx-swap-oob" not in html
    assert comment_count(discussion) == (0, 0)


@pytest.mark.parametrize("data", [{"body": ""}, {"body": "x" * 10001}])
def test_thread_htmx_bad_reply_answers_the_reply_form(client, discussion, member, writer, data):
    parent = make_comment(discussion, writer, "Top.")
    client = signed_in(client, member)

    response = post_comment(client, discussion, {**data, "parent": parent.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#reply-form-{parent.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert 'class="errorlist' in html
    assert 'aria-invalid="true"' in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert comment_count(discussion) == (1, 1)


def test_thread_htmx_comment_on_a_locked_thread_is_refused(client, discussion, owner, member):
    do_set_locked(discussion, True, actor=owner)
    client = signed_in(client, member)

    response = post_comment(client, discussion, {"body": "Hello?"})

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-form"
    assert "This thread is locked: no new comments." in response.content.decode()
    assert comment_count(discussion) == (0, 0)
    # The same refusal without JavaScript: the whole page with the status.
    assert post_comment(client, discussion, {"body": "Hello?"}, htmx=False).status_code == 403


def test_thread_htmx_comment_before_accepting_the_rules_is_refused(
    client, space, discussion, owner, member, writer
):
    parent = make_comment(discussion, writer, "Top.")
    do_publish_rules(space, "Be kind. Stay on topic. Version two.", actor=owner)
    client = signed_in(client, member)

    for data, target in [
        ({"body": "Hi"}, "#comment-form"),
        ({"body": "Hi", "parent": parent.pk}, f"#reply-form-{parent.pk}"),
    ]:
        response = post_comment(client, discussion, data)
        assert response.status_code == 200
        assert response["HX-Retarget"] == target
        assert "accept the space&#x27;s ground rules" in response.content.decode()
        # What was typed is kept, to send again once the rules are accepted.
        assert "Hi</textarea>" in response.content.decode()
    assert comment_count(discussion) == (1, 1)


def test_thread_htmx_comment_by_an_outsider_is_404(client, discussion, writer, outsider):
    parent = make_comment(discussion, writer, "Top.")
    client = signed_in(client, outsider)
    assert post_comment(client, discussion, {"body": "Hi"}).status_code == 404
    response = post_comment(client, discussion, {"body": "Hi", "parent": parent.pk})
    assert response.status_code == 404
    assert comment_count(discussion) == (1, 1)


def test_thread_without_javascript_comment_still_redirects(client, discussion, member):
    client = signed_in(client, member)
    response = post_comment(client, discussion, {"body": "Plain form."}, htmx=False)
    created = Comment.objects.get()
    assert response.status_code == 302
    url = reverse("post-detail", args=[discussion.pk])
    assert response["Location"] == f"{url}#comment-{created.pk}"
    assert post_comment(client, discussion, {"body": ""}, htmx=False).status_code == 400
    assert Comment.objects.count() == 1


def test_thread_page_forms_post_with_htmx_and_suggest_mentions(client, space, discussion, writer):
    parent = make_comment(discussion, writer, "Top.")
    html = signed_in(client, writer).get(reverse("post-detail", args=[discussion.pk]))
    html = html.content.decode()
    url = reverse("post-comment", args=[discussion.pk])
    mentions = reverse("mention-suggestions", args=[space.slug])
    assert f'hx-post="{url}" hx-target="#comment-list" hx-swap="beforeend"' in html
    assert f'hx-post="{url}" hx-target="#replies-{parent.pk}" hx-swap="beforeend"' in html
    assert html.count(f'data-mention-source="{mentions}"') == 2  # the comment and the reply
    assert 'hx-history="false"' in html  # htmx keeps no copy of a private thread


# --- Moderating in place -----------------------------------------------------------------


def moderate(client, name, comment, data=None):
    return client.post(reverse(name, args=[comment.pk]), data or {}, headers=HTMX)


def test_thread_htmx_moderator_hides_and_restores_a_comment_in_place(
    client, space, owner, writer, moderator
):
    question = make_post(space, owner, kind="question", title="Which chart?")
    answer = make_comment(question, writer, "Buy my course.")
    client = signed_in(client, moderator)

    response = moderate(client, "comment-hide", answer, {"reason": "Advertising."})

    html = response.content.decode()
    answer.refresh_from_db()
    assert response.status_code == 200
    assert (answer.state, answer.hidden_reason) == (ContentState.HIDDEN, "Advertising.")
    assert response["HX-Retarget"] == f"#comment-{answer.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith(f'<li class="card comment" id="comment-{answer.pk}">')
    assert "Hidden by a moderator: Advertising.." in html
    assert "Restore<span" in html
    assert ">0 answers</h2>" in html  # a hidden answer stops counting

    response = moderate(client, "comment-restore", answer)

    html = response.content.decode()
    answer.refresh_from_db()
    assert response.status_code == 200
    assert answer.state == ContentState.VISIBLE
    assert "Hidden by a moderator" not in html
    assert "Hide the comment" in html
    assert ">1 answer</h2>" in html


def test_thread_htmx_hide_without_a_reason_shows_why_beside_the_comment(
    client, discussion, writer, moderator
):
    comment = make_comment(discussion, writer, "Hmm.")
    response = moderate(signed_in(client, moderator), "comment-hide", comment, {"reason": " "})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#comment-{comment.pk}"
    assert 'role="alert">Say why the comment is hidden: its author will read it.' in html
    comment.refresh_from_db()
    assert comment.state == ContentState.VISIBLE
    # Restoring what is visible says so, in place, and changes nothing.
    html = moderate(client, "comment-restore", comment).content.decode()
    assert "This comment is already visible." in html


def test_thread_htmx_author_removes_a_reply_in_place(client, discussion, writer, member):
    parent = make_comment(discussion, writer, "Top.")
    reply = make_comment(discussion, member, "Oops, wrong thread.", parent=parent)

    response = moderate(signed_in(client, member), "comment-remove", reply)

    html = response.content.decode()
    reply.refresh_from_db()
    assert response.status_code == 200
    assert reply.state == ContentState.REMOVED_BY_AUTHOR
    assert response["HX-Retarget"] == f"#comment-{reply.pk}"
    assert html.lstrip().startswith(f'<li class="reply" id="comment-{reply.pk}">')
    assert "Removed by the author." in html
    assert "Oops, wrong thread." not in html
    # Removing it again says it is already removed.
    html = moderate(client, "comment-remove", reply).content.decode()
    assert "This comment has already been removed." in html


def test_thread_htmx_moderator_removes_a_comment_with_its_replies_in_place(
    client, discussion, writer, member, moderator
):
    comment = make_comment(discussion, writer, "Spam spam.")
    make_comment(discussion, member, "Please stop.", parent=comment)

    response = moderate(signed_in(client, moderator), "comment-remove", comment)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Removed by a moderator." in html
    assert "Spam spam." not in html
    assert "Please stop." in html  # the thread stays readable


@pytest.mark.parametrize(
    ("name", "data"),
    [("comment-hide", {"reason": "No."}), ("comment-restore", {}), ("comment-remove", {})],
)
def test_thread_htmx_moderation_is_refused_to_others(
    client, discussion, owner, writer, member, outsider, name, data
):
    comment = make_comment(discussion, writer, "Stays as it is.")
    if name == "comment-restore":
        do_remove_comment(comment, actor=owner)
    before = list(Comment.objects.values_list("pk", "state", "hidden_reason"))

    assert moderate(signed_in(client, member), name, comment, data).status_code == 403
    assert moderate(signed_in(client, outsider), name, comment, data).status_code == 404

    assert list(Comment.objects.values_list("pk", "state", "hidden_reason")) == before


def test_thread_htmx_hidden_comment_is_404_to_other_members(
    client, discussion, owner, writer, member
):
    comment = make_comment(discussion, writer, "Hidden soon.")
    do_hide_comment(comment, actor=owner, reason="Off topic.")
    for name in ("comment-hide", "comment-restore", "comment-remove"):
        assert moderate(signed_in(client, member), name, comment).status_code == 404
    comment.refresh_from_db()
    assert comment.state == ContentState.HIDDEN


def test_thread_htmx_author_sees_their_hidden_comment_with_the_reason(
    client, discussion, owner, writer
):
    comment = make_comment(discussion, writer, "Hidden soon.")
    do_hide_comment(comment, actor=owner, reason="Off topic")
    html = signed_in(client, writer).get(reverse("post-detail", args=[discussion.pk]))
    assert "Hidden by a moderator: Off topic." in html.content.decode()


# --- New since your last visit ------------------------------------------------------------


def visit(client, person, post):
    client.force_login(person)
    response = client.get(reverse("post-detail", args=[post.pk]))
    assert response.status_code == 200
    return response


def new_ids(response) -> list[int]:
    thread = response.context["thread"]
    shown = []
    for comment in thread.comments:
        shown.append(comment)
        shown.extend(comment.visible_replies)
    return [c.pk for c in shown if c.is_new]


def test_thread_new_marks_nothing_on_a_first_visit(client, discussion, writer, member):
    make_comment(discussion, writer, "Before you came.")
    response = visit(client, member, discussion)
    html = response.content.decode()
    assert new_ids(response) == []
    assert "new-mark" not in html
    assert "Jump to the first new" not in html


def test_thread_new_marks_what_others_wrote_since_my_last_visit(
    client, discussion, writer, member, owner
):
    old = make_comment(discussion, writer, "Seen already.")
    visit(client, member, discussion)
    mine = make_comment(discussion, member, "My own, after my visit.")
    answer = make_comment(discussion, writer, "Written after your visit.")
    reply_to_old = make_comment(discussion, owner, "A late reply.", parent=old)

    response = visit(client, member, discussion)

    html = response.content.decode()
    assert new_ids(response) == [reply_to_old.pk, answer.pk]
    assert response.context["thread"].first_new_id == reply_to_old.pk
    assert html.count('<span class="new-mark">New</span>') == 2
    assert f'<a href="#comment-{reply_to_old.pk}">Jump to the first new comment</a>' in html
    assert "2 new</span> since your last visit" in html
    assert mine.pk not in new_ids(response)
    # Read now: nothing is new on the next visit.
    assert new_ids(visit(client, member, discussion)) == []


def test_thread_new_marks_count_from_the_visit_not_the_activity_time(
    client, discussion, writer, member
):
    # A comment is stamped a moment after the activity time it gives its post: having seen it,
    # I must not see it as new again.
    make_comment(discussion, writer, "Seen.")
    visit(client, member, discussion)
    assert new_ids(visit(client, member, discussion)) == []


def test_thread_new_marks_never_my_own(client, discussion, member, writer):
    visit(client, member, discussion)
    make_comment(discussion, member, "Mine.")
    ReadMark.objects.filter(person=member).update(updated_at=timezone.now() - timedelta(days=1))
    assert new_ids(visit(client, member, discussion)) == []


def test_thread_new_marks_not_for_an_admin_outside_the_space(client, discussion, writer):
    from afterclass.people.tests.factories import AdminFactory

    admin = AdminFactory()
    visit(client, admin, discussion)
    make_comment(discussion, writer, "Later.")
    assert new_ids(visit(client, admin, discussion)) == []


@pytest.mark.parametrize("rows", [1, 50])
def test_thread_new_marks_query_count_is_flat(
    client, django_assert_num_queries, space, owner, member, writer, rows
):
    question = make_post(space, owner, kind="question", title="How?")
    visit(client, member, question)
    for number in range(rows):
        answer = make_comment(question, writer, f"Answer {number}")
        make_comment(question, owner, f"Reply {number}", parent=answer)
    client.force_login(member)
    # As the post page always costs (see test_views): the read mark comes with the post.
    with django_assert_num_queries(15):
        response = client.get(reverse("post-detail", args=[question.pk]))
    assert len(new_ids(response)) == 2 * rows
    assert response.content.decode().count('<span class="new-mark">New</span>') == 2 * rows
