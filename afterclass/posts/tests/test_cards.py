"""Feed cards that carry the conversation (issue 14): reactions counted per kind and toggled in
place, "N answers · accepted", the last two comments with a reply box, and a quiet "new" mark;
in a number of queries that does not grow with the cards."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import (
    do_accept_answer,
    do_hide_comment,
    do_mark_read,
    do_react,
)
from afterclass.posts.models import Comment, Post, Reaction, ReadMark
from afterclass.posts.queries import home_feed, present
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_publish_rules, do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role, Template
from afterclass.spaces.queries import unread_count
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ONE_DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner", job_title="Data lead")


@pytest.fixture
def space(owner):
    space = make_space(owner, name="Data skills", slug="data-skills")
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.MEMBERS)
    return space


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def asker(space):
    return add_member(space, PersonFactory(display_name="Ada Asker")).person


def feed(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("home-feed"))
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, post) -> str:
    start = html.index(f'id="post-{post.pk}"')
    end = html.index("</ol>", html.index(f'id="card-comments-{post.pk}"', start))
    return html[start:end]  # up to the end of its comments


# --- What a card shows ----------------------------------------------------------------------


def test_card_counts_reactions_per_kind(client, space, owner, member, asker):
    post = make_post(space, owner, title="Retro formats")
    do_react(actor=member, kind="like", post=post)
    do_react(actor=asker, kind="like", post=post)
    do_react(actor=asker, kind="insightful", post=post)
    shown = card(feed(client, member), post)
    icon = '<span class="icon icon-{}" aria-hidden="true"></span>'
    assert f'aria-pressed="true">{icon.format("heart")}Like <span class="reaction-count">2' in shown
    assert (
        f'aria-pressed="false">{icon.format("insightful")}Insightful '
        '<span class="reaction-count">1</span>'
    ) in shown
    assert f'aria-pressed="false">{icon.format("celebrate")}Celebrate</button>' in shown
    # One form for the four toggles (one CSRF token a card, not four).
    reactions = shown[shown.index('class="card-reactions"') : shown.index("card-conversation")]
    assert reactions.count("<form") == 1
    assert reactions.count('name="csrfmiddlewaretoken"') == 1
    assert 'name="pressed" value="like"' in reactions
    assert present([post], member)[0].reaction_counts == (("like", 2), ("insightful", 1))


def test_card_shows_counts_only_to_someone_who_may_not_take_part(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    do_react(actor=owner, kind="helped", post=post)
    make_comment(post, owner, "First!")
    do_publish_rules(space, "Be kind. Be brief.", actor=owner)  # member has not accepted these
    html = feed(client, member)
    shown = card(html, post)
    assert 'name="kind"' not in shown
    assert "This helped me <span" in shown
    assert f'id="card-reply-{post.pk}"' not in html
    assert "First!" in shown  # reading is still allowed


def test_card_shows_the_author_role_space_and_answers_accepted(client, space, owner, member):
    question = make_post(space, owner, kind="question", title="Which chart?")
    make_comment(question, member, "A bar chart.")
    accepted = make_comment(question, member, "A line chart.")
    do_accept_answer(question, accepted, actor=owner)
    shown = card(feed(client, member), question)
    assert "Olive Owner" in shown
    assert "Data lead" in shown
    assert ">Data skills</a>" in shown
    assert "2 answers · accepted" in shown


def test_card_shows_the_last_two_visible_comments_oldest_first(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    make_comment(post, member, "One")
    make_comment(post, owner, "Two")
    hidden = make_comment(post, owner, "Three, hidden")
    make_comment(post, member, "Four")
    answer = Comment.objects.get(body="Two")
    make_comment(post, owner, "A reply to two", parent=answer)  # replies stay in the thread
    moderator = add_member(space, role=Role.MODERATOR).person
    do_hide_comment(hidden, actor=moderator, reason="Off topic")
    shown = card(feed(client, member), post)
    assert "One" not in shown
    assert "Three, hidden" not in shown
    assert "A reply to two" not in shown
    assert shown.index("Two") < shown.index("Four")


def test_card_of_an_untitled_post_says_its_words_once(client, space, owner, member):
    # As Viva Engage and Workplace show a post without a title (a tip, a picture): its text,
    # once. The first words head it for screen readers only, and the time link, named by them
    # too, opens the post.
    tips = make_space(owner, name="Quick tips", slug="tips", template=Template.TIPS)
    add_member(tips, member)
    tip = make_post(tips, owner, kind="update", body="Name your ranges: formulas read better.")
    shown = card(feed(client, member), tip)
    url = reverse("post-detail", args=[tip.pk])
    assert shown.count("Name your ranges") == 3  # hidden heading, time link's name, the text
    assert '<h2 class="visually-hidden">Name your ranges: formulas read better.</h2>' in shown
    assert f'<a href="{url}"><span class="visually-hidden">Name your ranges' in shown
    assert '<div class="prose update"><p>Name your ranges: formulas read better.</p>' in shown
    titled = make_post(space, owner, title="Retro formats")
    shown = card(feed(client, member), titled)
    assert f'<h2><a href="{reverse("post-detail", args=[titled.pk])}">Retro formats</a></h2>' in (
        shown
    )
    assert '<span class="visually-hidden">Retro formats' not in shown


def test_card_keeps_an_anonymous_asker_a_colleague(client, space, asker, member):
    question = make_post(space, asker, kind="question", title="Is it OK?", anonymous=True)
    make_comment(question, member, "Yes, it is.")
    make_comment(question, asker, "Thanks, some context from me.")
    html = feed(client, member)
    shown = card(html, question)
    assert "Thanks, some context from me." in shown
    assert "Ada Asker" not in html
    assert shown.count("A colleague") == 2  # the question and the asker's own comment
    (seen,) = [item for item in home_feed(member).items if item.pk == question.pk]
    assert [c.shown_author for c in seen.recent_comments] == [member, None]
    assert [c.by_asker for c in seen.recent_comments] == [False, True]


def test_card_never_shows_comments_of_posts_the_viewer_cannot_see(space, owner, member):
    other = make_space(owner, name="Board", slug="board")
    post = make_post(other, owner, title="Board only")
    make_comment(post, owner, "Secret")
    assert [p.pk for p in home_feed(member).items if p.recent_comments] == []


def test_card_marks_what_is_new_quietly(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    shown = card(feed(client, member), post)
    assert '<span class="new-mark"><span class="dot" aria-hidden="true"></span>New</span>' in shown
    assert "Unread" not in shown
    do_mark_read(post, actor=member)
    assert "new-mark" not in card(feed(client, member), post)
    make_comment(post, owner, "Timeline!")
    shown = card(feed(client, member), post)
    assert "1 new comment</span>" in shown


def test_card_of_a_post_from_before_joining_is_not_new(client, space, owner):
    # Someone who has just joined a space (the first visit's suggestions) does not find every
    # card in it marked new: only what happened there since they joined. The space's own
    # count says the same. Opening such a post still writes its read mark.
    before = make_post(space, owner, title="Retro formats")
    newcomer = add_member(space, PersonFactory(display_name="Nina Newcomer")).person
    after = make_post(space, owner, title="Lunch and learn on Friday")
    html = feed(client, newcomer)
    assert "new-mark" not in card(html, before)
    assert '<span class="dot" aria-hidden="true"></span>New</span>' in card(html, after)
    assert unread_count(space, newcomer) == 1
    make_comment(before, owner, "Timeline!")  # activity since joining is news
    assert "new-mark" in card(feed(client, newcomer), before)
    assert unread_count(space, newcomer) == 2
    old = make_post(space, owner, title="Seating plan")
    Post.objects.filter(pk=old.pk).update(last_activity_at=F("last_activity_at") - ONE_DAY)
    assert "new-mark" not in card(feed(client, newcomer), old)
    client.get(reverse("post-detail", args=[old.pk]))
    assert ReadMark.objects.filter(post=old, person=newcomer).exists()


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_feed_with_cards_query_count_is_flat(
    client, django_assert_num_queries, space, owner, member, asker, rows
):
    other = make_space(owner, name="Other", slug="other")
    add_member(other, member)
    for number in range(rows):
        post = make_post(space if number % 2 else other, owner, title=f"Post {number}")
        for body in ("One", "Two", "Three"):
            make_comment(post, owner, f"{body} {number}")
        do_react(actor=owner, kind="like", post=post)
        do_react(actor=member, kind="celebrate", post=post)
    question = make_post(space, asker, kind="question", title="Anonymous", anonymous=True)
    make_comment(question, asker, "Context")
    client.force_login(member)
    # session, person, my spaces, their first rows merged, those posts, moderated spaces,
    # reactions (mine and the counts per kind, one aggregate), my read marks, the last two
    # comments of every card (one window-function query), my place in the cards' spaces,
    # organisation, the spaces I may post in (the composer)
    with django_assert_num_queries(12):
        response = client.get(reverse("home-feed"))
    items = response.context["page"].items
    assert len(items) == min(rows + 1, 20)
    assert all(len(item.recent_comments) == 2 for item in items if item.pk != question.pk)


@pytest.mark.parametrize("rows", [1, 50])
def test_space_home_with_cards_query_count_is_flat(
    client, django_assert_num_queries, space, owner, member, rows
):
    for number in range(rows):
        post = make_post(space, owner, title=f"Post {number}")
        make_comment(post, member, f"Comment {number}")
        do_react(actor=member, kind="like", post=post)
    client.force_login(member)
    # as posts/tests/test_views.py's space home count: the cards' two are in it (and the go-to
    # colleagues' one)
    with django_assert_num_queries(14):
        assert client.get(reverse("space-home", args=[space.slug])).status_code == 200


# --- Reacting and replying from the card ----------------------------------------------------


def test_card_reaction_toggles_in_place(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    do_react(actor=owner, kind="like", post=post)
    client.force_login(member)
    url = reverse("post-react", args=[post.pk])
    # The card's form sends the pressed button's kind and the kinds it showed pressed.
    press = {"kind": "like", "pressed": "", "card": "1"}
    response = client.post(url, press, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div class="card-reactions" id="card-reactions-')
    assert f'data-focus-key="card-react-{post.pk}-like" aria-pressed="true">' in body
    assert '<span class="reaction-count">2</span>' in body
    assert 'name="pressed" value="like"' in body
    assert "afterclass-updated" in response.headers["HX-Trigger-After-Settle"]
    # The same press sent again (a double click, a retry) does not take it back.
    client.post(url, press, headers=HTMX)
    assert Reaction.objects.filter(person=member, kind="like").count() == 1
    response = client.post(url, {**press, "pressed": "like"}, headers=HTMX)
    assert 'aria-pressed="false"><span class="icon icon-heart" aria-hidden="true"></span>Like' in (
        response.content.decode()
    )
    assert '<span class="reaction-count">1</span>' in response.content.decode()
    assert not Reaction.objects.filter(person=member).exists()
    # One form per button, with `on` (the post page's reactions), still works from a card.
    client.post(url, {"kind": "like", "on": "1", "card": "1"}, headers=HTMX)
    assert Reaction.objects.filter(person=member, kind="like").exists()


def test_post_page_reaction_answer_is_unchanged(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    client.force_login(member)
    url = reverse("post-react", args=[post.pk])
    body = client.post(url, {"kind": "helped", "on": "1"}, headers=HTMX).content.decode()
    assert body.startswith('<div class="reactions" id="reactions-')


def test_card_reply_appears_under_the_card(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    client.force_login(member)
    url = reverse("post-comment", args=[post.pk])
    response = client.post(url, {"body": "Try a sailboat.", "card": "1"}, headers=HTMX)
    body = response.content.decode()
    created = Comment.objects.get(post=post)
    assert response.headers["HX-Retarget"] == f"#card-comments-{post.pk}"
    assert response.headers["HX-Reswap"] == "beforeend"
    assert body.startswith(f'<li class="card-comment" id="card-comment-{created.pk}">')
    assert "Try a sailboat." in body
    assert f'id="card-stats-{post.pk}" hx-swap-oob="true"' in body
    assert "1 comment</a>" in body
    assert f'id="card-reply-{post.pk}"' in body
    assert "HX-Replace-Url" not in response.headers  # the person stays on the feed
    assert f"#card-reply-body-{post.pk}" in response.headers["HX-Trigger-After-Settle"]


def test_card_reply_box_becomes_the_comment_editor_of_its_space(client, space, owner, member):
    # editor.js and compose.js turn the box into the post page's comment editor when it is
    # focused, with the mention suggestions and preview of the post's space; the box sent back
    # after a reply carries the same, so the next reply has the editor too.
    post = make_post(space, owner, title="Retro formats")
    mentions = reverse("mention-suggestions", args=[space.slug])
    preview = reverse("post-preview", args=[space.slug])
    expands = f'data-expands-mentions="{mentions}" data-expands-editor="{preview}"'
    shown = feed(client, member)
    reply = shown[shown.index(f'id="card-reply-{post.pk}"') :]
    assert expands in reply[: reply.index("</form>")]
    response = client.post(
        reverse("post-comment", args=[post.pk]),
        {"body": "Try a sailboat.", "card": "1"},
        headers=HTMX,
    )
    assert expands in response.content.decode()


def test_card_reply_without_javascript_goes_to_the_comment(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    client.force_login(member)
    response = client.post(
        reverse("post-comment", args=[post.pk]), {"body": "Try a sailboat.", "card": "1"}
    )
    created = Comment.objects.get(post=post)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{created.pk}")


def test_card_reply_refused_shows_why_in_place(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    client.force_login(member)
    response = client.post(
        reverse("post-comment", args=[post.pk]), {"body": "", "card": "1"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#card-reply-{post.pk}"
    assert "Write something first." in body
    assert 'aria-invalid="true"' in body
    assert not Comment.objects.exists()


def test_card_reply_of_someone_who_may_not_take_part_is_refused(client, space, owner, member):
    post = make_post(space, owner, title="Retro formats")
    do_publish_rules(space, "Be kind. Be brief.", actor=owner)
    client.force_login(member)
    response = client.post(
        reverse("post-comment", args=[post.pk]), {"body": "Hi", "card": "1"}, headers=HTMX
    )
    assert "ground rules" in response.content.decode()
    assert not Comment.objects.exists()
