"""The composer on the feed and a space home (posts/views/composer.py): what it offers, posting
in place and without JavaScript, once per form, refusals, query counts, similar questions."""

import re

import pytest
from django.urls import reverse

from afterclass.api.models import IdempotencyKey
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.search.index import rebuild
from afterclass.spaces.actions import do_publish_rules, do_set_space_status
from afterclass.spaces.models import AnonymousQuestions, Role, Space, Status, Template, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ONCE = "9f1c2d3e4b5a69788796a5b4c3d2e1f0"


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
def tips(owner):
    return make_space(owner, name="Quick tips", slug="quick-tips", template=Template.TIPS)


@pytest.fixture
def member(space, tips):
    person = add_member(space, PersonFactory(display_name="Mina Member")).person
    add_member(tips, person)
    return person


@pytest.fixture
def client_of(client):
    def signed_in(person):
        client.force_login(person)
        return client

    return signed_in


def composer_post(client, data, *, htmx=True, once=ONCE):
    headers = HTMX if htmx else {}
    return client.post(reverse("composer"), {"once": once, **data}, headers=headers)


def options_of(html):
    return re.findall(r'<option value="([^"]+)"', html)


def kinds_of(html):
    return re.findall(r"href=\"/compose/\?(?:at|space)=[\w-]+&amp;kind=(\w+)", html)


# --- What it offers ----------------------------------------------------------------------------


def test_composer_offers_only_the_spaces_and_kinds_the_viewer_may_post(
    client_of, owner, space, tips, member
):
    listed = make_space(owner, name="Listed", slug="listed")
    make_space(owner, name="Secret", slug="secret", visibility=Visibility.SECRET)
    archived = make_space(owner, name="Archived", slug="archived")
    add_member(archived, member)
    do_set_space_status(archived, Status.ARCHIVED, actor=owner)
    new_rules = make_space(owner, name="New rules", slug="new-rules")
    add_member(new_rules, member)
    do_publish_rules(new_rules, "Be kinder still.", actor=owner)
    assert listed.pk
    client = client_of(member)
    html = client.get(reverse("composer"), {"open": "1"}, headers=HTMX).content.decode()
    assert options_of(html) == ["data-skills", "quick-tips"]
    assert kinds_of(html) == ["discussion", "question", "resource", "poll"]  # no announcement
    html = client.get(reverse("composer"), {"space": "quick-tips"}, headers=HTMX).content.decode()
    assert kinds_of(html) == ["update", "poll"]
    # "Ask a question" opens a space that takes questions.
    html = client.get(reverse("composer"), {"kind": "question"}, headers=HTMX).content.decode()
    assert 'value="data-skills" selected' in html
    assert 'name="kind" value="question"' in html


def test_composer_offers_announcements_to_moderators(client_of, space, tips):
    moderator = add_member(space, PersonFactory(), role=Role.MODERATOR).person
    html = client_of(moderator).get(reverse("composer"), headers=HTMX).content.decode()
    assert options_of(html) == ["data-skills"]
    assert "announcement" in kinds_of(html)


def test_feed_bar_offers_questions_and_tips_where_they_may_be_posted(client_of, member):
    html = client_of(member).get(reverse("home-feed")).content.decode()
    assert "Ask a question" in html
    assert "Share a tip" in html
    assert "Post…" in html
    assert 'id="composer-posted"' in html


def test_feed_bar_without_tips_does_not_offer_one(client_of, space):
    person = add_member(space, PersonFactory()).person
    html = client_of(person).get(reverse("home-feed")).content.decode()
    assert "Ask a question" in html
    assert "Share a tip" not in html


def test_member_of_no_space_sees_how_to_join_one_instead(client_of, space, owner):
    loner = PersonFactory()
    html = client_of(loner).get(reverse("home-feed")).content.decode()
    assert "Join one to ask questions" in html
    assert reverse("space-directory") in html
    assert "Ask a question" not in html
    opened = client_of(loner).get(reverse("composer"), headers=HTMX).content.decode()
    assert "Find spaces to join" in opened
    assert "composer-form" not in opened


def test_space_home_has_the_composer_for_members_only(client_of, owner, space, member):
    home = reverse("space-home", args=[space.slug])
    html = client_of(member).get(home).content.decode()
    assert f"compose/?at={space.slug}&amp;kind=question&amp;open=1" in html
    assert "Share a tip" not in html  # a discussion group takes no tips
    outsider = PersonFactory()
    assert 'id="composer"' not in client_of(outsider).get(home).content.decode()


def test_space_home_composer_opens_without_the_choice_of_space(client_of, space, member):
    response = client_of(member).get(reverse("composer"), {"at": space.slug}, headers=HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == "#composer"
    assert "<select" not in html
    assert f'name="at" value="{space.slug}"' in html
    assert "Write a post in Data skills" in html


def test_closing_the_composer_brings_the_bar_back_in_place(client_of, space, member):
    client = client_of(member)
    opened = client.get(reverse("composer"), {"open": "1"}, headers=HTMX).content.decode()
    assert "?close=1" in opened  # the Close link closes in place
    response = client.get(reverse("composer"), {"close": "1"}, headers=HTMX)
    html = response.content.decode()
    assert html.startswith('<section class="card composer" id="composer"')
    assert 'class="composer-start"' in html
    assert 'id="composer-posted"' not in html  # the list of new cards stays where it is
    assert "#composer .composer-start" in response["HX-Trigger-After-Settle"]
    at_home = client.get(reverse("composer"), {"close": "1", "at": space.slug}, headers=HTMX)
    assert f"compose/?at={space.slug}&amp;kind=question&amp;open=1" in at_home.content.decode()
    # Without JavaScript, Close is a link back to where the composer was.
    plain = client.get(reverse("composer"), {"close": "1", "at": space.slug})
    assert plain.status_code == 302
    assert plain["Location"] == reverse("space-home", args=[space.slug])


def test_closing_the_composer_of_a_space_one_may_not_know_is_404(client_of, owner, member):
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    response = client_of(member).get(
        reverse("composer"), {"close": "1", "at": secret.slug}, headers=HTMX
    )
    assert response.status_code == 404
    assert "Board" not in response.content.decode()


def test_member_who_must_accept_new_rules_is_told_why_not(client_of, owner, space, member):
    do_publish_rules(space, "New rules.", actor=owner)
    html = client_of(member).get(reverse("space-home", args=[space.slug])).content.decode()
    assert "Please read and accept the space" in html
    assert "Ask a question" not in html


# --- Posting -----------------------------------------------------------------------------------


def test_posting_in_place_returns_the_card_and_an_empty_composer(client_of, space, member):
    response = composer_post(
        client_of(member),
        {"space": space.slug, "kind": "question", "title": "Which chart for trends?", "body": ""},
    )
    post = Post.objects.get()
    assert (post.kind, post.title, post.space, post.author) == (
        "question",
        "Which chart for trends?",
        space,
        member,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#composer-posted"
    assert response["HX-Reswap"] == "afterbegin"
    assert html.startswith(f'<li class="card post-item" id="post-{post.pk}">')
    assert "Which chart for trends?" in html
    # The composer comes back empty, out of band, with a new one-time key.
    assert 'hx-swap-oob="outerHTML"' in html
    assert f'value="{ONCE}"' not in html
    assert 'name="title" value="Which chart' not in html
    assert "composer-posted" in response["HX-Trigger"]
    assert f"#post-{post.pk}" in response["HX-Trigger-After-Settle"]


def test_posting_a_tip_from_a_space_home(client_of, tips, member):
    response = composer_post(
        client_of(member), {"at": tips.slug, "kind": "update", "body": "Ctrl+K finds anything."}
    )
    assert response.status_code == 200
    post = Post.objects.get()
    assert (post.kind, post.body, post.space) == ("update", "Ctrl+K finds anything.", tips)
    assert 'name="at" value="quick-tips"' in response.content.decode()


def test_posting_without_javascript_redirects_back(client_of, space, member):
    client = client_of(member)
    data = {"space": space.slug, "kind": "discussion", "title": "Hello", "body": "Hi all"}
    response = composer_post(client, data, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("home-feed")
    data = {"at": space.slug, "kind": "discussion", "title": "Again", "body": "Hi"}
    response = composer_post(client, data, htmx=False, once="another-key")
    assert response["Location"] == reverse("space-home", args=[space.slug])
    assert Post.objects.count() == 2


def test_double_submit_posts_once(client_of, space, member):
    client = client_of(member)
    data = {"space": space.slug, "kind": "discussion", "title": "Once", "body": "Only once"}
    first = composer_post(client, data)
    second = composer_post(client, data)
    assert Post.objects.count() == 1
    assert second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    # Without JavaScript, the retry goes back to the feed, where the post is.
    third = composer_post(client, data, htmx=False)
    assert third.status_code == 302
    assert Post.objects.count() == 1


def test_same_key_with_other_words_writes_nothing_and_says_so(client_of, space, member):
    client = client_of(member)
    data = {"space": space.slug, "kind": "discussion", "title": "Once", "body": "Only once"}
    composer_post(client, data, htmx=False)
    response = composer_post(client, {**data, "body": "Changed"}, htmx=False)
    assert response.status_code == 409
    assert "This form was sent already" in response.content.decode()
    assert Post.objects.count() == 1


def test_a_refused_form_keeps_no_key_so_it_can_be_mended(client_of, space, member):
    client = client_of(member)
    data = {"space": space.slug, "kind": "question", "title": "", "body": ""}
    refused = composer_post(client, data)
    assert refused.status_code == 200  # htmx swaps no 4xx: the form, in place
    assert refused["HX-Retarget"] == "#composer"
    assert 'aria-invalid="true"' in refused.content.decode()
    assert not Post.objects.exists()
    assert not IdempotencyKey.objects.exists()
    mended = composer_post(client, {**data, "title": "What is a pivot table?"})
    assert mended["HX-Retarget"] == "#composer-posted"
    assert Post.objects.count() == 1


def test_form_errors_without_javascript_are_a_400_page(client_of, tips, member):
    response = composer_post(
        client_of(member), {"space": tips.slug, "kind": "update", "body": "x" * 281}, htmx=False
    )
    assert response.status_code == 400
    assert "An update is at most 280 characters." in response.content.decode()
    assert not Post.objects.exists()


def test_a_kind_the_space_does_not_take_is_refused_in_place(client_of, tips, member):
    response = composer_post(
        client_of(member), {"space": tips.slug, "kind": "question", "title": "Why?"}
    )
    assert response.status_code == 200
    assert "You cannot write this kind of post in this space." in response.content.decode()
    assert not Post.objects.exists()


def test_posting_where_the_viewer_may_not_post_writes_nothing(client_of, owner, member):
    make_space(owner, name="Listed", slug="listed")
    make_space(owner, name="Secret", slug="secret", visibility=Visibility.SECRET)
    archived = make_space(owner, name="Archived", slug="archived")
    add_member(archived, member)
    do_set_space_status(archived, Status.ARCHIVED, actor=owner)
    client = client_of(member)
    data = {"kind": "discussion", "title": "Hello", "body": "Hi"}
    for slug, status in (("listed", 403), ("secret", 404), ("nowhere", 404), ("archived", 403)):
        for htmx in (False, True):
            response = composer_post(
                client, {**data, "space": slug}, htmx=htmx, once=f"{slug}-{htmx}"
            )
            expected = 200 if htmx and status == 403 and slug == "archived" else status
            assert response.status_code == expected, (slug, htmx)
    response = composer_post(client, {**data, "at": "secret"}, once="at-secret")
    assert response.status_code == 404
    assert not Post.objects.exists()


def test_composer_needs_signing_in(client, space):
    assert client.get(reverse("composer")).status_code == 302
    response = client.post(reverse("composer"), {"space": space.slug, "kind": "discussion"})
    assert response.status_code == 302
    assert not Post.objects.exists()


def test_anonymous_question_from_the_composer_shows_no_name(client_of, owner, space, member):
    Space.objects.filter(pk=space.pk).update(anonymous_questions=AnonymousQuestions.MEMBERS)
    response = composer_post(
        client_of(member),
        {"space": space.slug, "kind": "question", "title": "Is it silly?", "anonymous": "on"},
    )
    html = response.content.decode()
    assert Post.objects.get().is_anonymous
    assert "A colleague" in html or "asked anonymously" in html
    assert "Mina Member" not in html.split("</li>")[0]


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_feed_with_the_composer_query_count_is_flat(
    client_of, django_assert_num_queries, owner, space, tips, member, rows
):
    for number in range(rows):
        make_post(
            space if number % 2 else tips, owner, kind="discussion" if number % 2 else "update"
        )
    client = client_of(member)
    # session, person, my spaces, their first rows merged, those posts, moderated spaces, my
    # reactions, my read marks, the cards' last comments, my place in their spaces
    # (posts.queries.present_page), the spaces I may post in (the composer), organisation
    with django_assert_num_queries(12):
        response = client.get(reverse("home-feed"))
    assert 'id="composer"' in response.content.decode()
    assert response.context["composer_bar"].can_post


@pytest.mark.parametrize("spaces", [1, 12])
def test_opening_the_composer_query_count_is_flat(
    client_of, django_assert_num_queries, owner, member, spaces
):
    for number in range(spaces):
        add_member(make_space(owner, name=f"Space {number}", slug=f"space-{number}"), member)
    client = client_of(member)
    # session, person, the spaces I may post in, organisation
    with django_assert_num_queries(4):
        response = client.get(reverse("composer"), {"open": "1"}, headers=HTMX)
    assert len(options_of(response.content.decode())) == spaces + 2


# --- Similar questions -------------------------------------------------------------------------


def test_similar_questions_show_only_what_the_viewer_may_see_and_no_asker(
    client_of, owner, space, member
):
    Space.objects.filter(pk=space.pk).update(anonymous_questions=AnonymousQuestions.MEMBERS)
    asker = add_member(space, PersonFactory(display_name="Shy Asker")).person
    space.refresh_from_db()
    make_post(space, asker, kind="question", title="How to export a pivot table?", anonymous=True)
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    make_post(secret, owner, kind="question", title="Export the pivot board pack?")
    listed = make_space(owner, name="Listed", slug="listed")
    make_post(listed, owner, kind="question", title="Pivot export for outsiders?")
    for number in range(7):
        make_post(space, owner, kind="question", title=f"Pivot question {number}")
    rebuild()
    client = client_of(member)
    html = client.get(reverse("similar-questions"), {"title": "pivot export"}).content.decode()
    assert "How to <mark>export</mark> a <mark>pivot</mark> table?" in html
    assert "board pack" not in html
    assert "outsiders" not in html
    assert "Shy Asker" not in html
    assert html.count("<li>") == 5
    assert re.search(r'<a href="/posts/\d+/">', html)


def test_question_title_asks_for_similar_questions_while_typed(client_of, space, member):
    html = (
        client_of(member)
        .get(reverse("composer"), {"space": space.slug, "kind": "question"}, headers=HTMX)
        .content.decode()
    )
    assert f'hx-get="{reverse("similar-questions")}"' in html
    assert 'hx-trigger="keyup changed delay:500ms"' in html
    assert 'id="similar-questions"' in html
