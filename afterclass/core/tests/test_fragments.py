"""Remembered fragments (afterclass.core.fragments): keyed by everything they show, per viewer,
never stale, and the pages they are part of identical with the cache on and off."""

from __future__ import annotations

import dataclasses
import difflib
import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory, override_settings
from django.utils.functional import SimpleLazyObject
from hypothesis import HealthCheck, given, seed, settings

from afterclass.core import fragments
from afterclass.core.fragments import Unfingerprintable, fingerprint
from afterclass.core.tests.visibility_world import build, rolled_back, worlds
from afterclass.people.models import Person
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.posts.actions import do_edit_comment, do_hide_comment, do_react
from afterclass.posts.models import PostKind
from afterclass.posts.presentation import SeenPost
from afterclass.posts.queries import home_feed
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

# What differs between two renderings of the same page whatever the cache does: each response
# masks its CSRF token afresh and has its own CSP nonce.
_PER_RESPONSE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken": ""'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
]


def _same_bytes(html: str) -> str:
    for pattern, replacement in _PER_RESPONSE:
        html = pattern.sub(replacement, html)
    return html


def _page(client: Client, path: str, *, cache_on: bool) -> tuple[int, str]:
    with override_settings(AFTERCLASS_FRAGMENT_CACHE=cache_on):
        response = client.get(path)
    return response.status_code, _same_bytes(response.content.decode())


def _assert_same_page(client: Client, path: str) -> str:
    """The page with the cache off, then on (filling it), then on again (reading it): the same
    HTML each time. A first visit marks what it shows read, so the next shows less as new:
    the comparison starts from the second."""
    _page(client, path, cache_on=False)
    status, plain = _page(client, path, cache_on=False)
    for attempt in ("filled", "read"):
        again_status, cached = _page(client, path, cache_on=True)
        assert again_status == status, f"{path}: {again_status} with the cache {attempt}"
        if cached != plain:
            diff = difflib.unified_diff(plain.splitlines(), cached.splitlines(), lineterm="", n=1)
            pytest.fail(f"{path} differs with the cache {attempt}:\n" + "\n".join(list(diff)[:40]))
    return plain


def _entries() -> int:
    store = caches[fragments.CACHE_ALIAS]
    assert isinstance(store, LocMemCache)
    return len(store._cache)


@pytest.fixture(autouse=True)
def _empty_fragments() -> None:
    caches[fragments.CACHE_ALIAS].clear()


# --- The fingerprint ---------------------------------------------------------------------


def _seen_post(space, author) -> SeenPost:
    make_post(space, author, kind=PostKind.QUESTION)
    return home_feed(author).items[0]


def test_every_field_of_a_presented_post_is_in_its_key():
    owner = PersonFactory()
    seen = _seen_post(make_space(owner), owner)
    base = fingerprint({"post": seen})
    changed = {
        "title": "Another title",
        "body_html": "<p>other</p>",
        "state": "hidden",
        "is_pinned": not seen.is_pinned,
        "comment_count": seen.comment_count + 1,
        "reaction_count": seen.reaction_count + 1,
        "my_reactions": frozenset({"like"}),
        "is_unread": not seen.is_unread,
        "new_comments": 3,
        "shown_author": None,
        "created_at": seen.created_at - timedelta(seconds=1),
        "accepted_answer_id": 99,
    }
    for name, value in changed.items():
        other = dataclasses.replace(seen, **{name: value})
        assert fingerprint({"post": other}) != base, name
    assert fingerprint({"post": dataclasses.replace(seen)}) == base


def test_a_model_in_a_value_keys_on_its_columns_and_what_was_loaded_with_it():
    person = PersonFactory(display_name="Ada Lovelace")
    base = fingerprint({"who": person})
    person.display_name = "Ada King"
    assert fingerprint({"who": person}) != base
    person.display_name = "Ada Lovelace"
    assert fingerprint({"who": person}) == base
    person.department = DepartmentFactory(name="Research")
    person.save()
    loaded = Person.objects.select_related("department").get(pk=person.pk)
    with_department = fingerprint({"who": loaded})
    assert loaded.department is not None
    loaded.department.name = "Renamed"  # loaded with it: a card could show it
    assert fingerprint({"who": loaded}) != with_department


def test_the_signed_in_person_keys_as_the_person_it_stands_for():
    person = PersonFactory()
    assert fingerprint({"who": SimpleLazyObject(lambda: person)}) == fingerprint({"who": person})


def test_values_are_told_apart_by_type_and_sets_by_content_only():
    assert fingerprint({"a": 1}) != fingerprint({"a": "1"})
    assert fingerprint({"a": True}) != fingerprint({"a": 1})
    assert fingerprint({"a": None}) != fingerprint({"a": ""})
    assert fingerprint({"a": frozenset({"x", "y"})}) == fingerprint({"a": frozenset({"y", "x"})})
    assert fingerprint({"a": ("x", "y")}) != fingerprint({"a": ("y", "x")})
    assert fingerprint({"a": 1}) != fingerprint({"b": 1})


def test_an_unknown_value_is_refused_rather_than_keyed_on_its_identity():
    with pytest.raises(Unfingerprintable):
        fingerprint({"a": object()})


# --- The tag -------------------------------------------------------------------------------


def _render(source: str, person: Person, **values) -> str:
    request = RequestFactory().get("/")
    request.user = person
    request.META["CSRF_COOKIE"] = "s" * 32
    template = Template("{% load fragments %}" + source)
    return template.render(RequestContext(request, values))


def test_the_body_sees_only_what_it_is_given():
    person = PersonFactory()
    source = "{% fragment shown=a %}[{{ shown }}|{{ b }}]{% endfragment %}"
    assert _render(source, person, a="A", b="B") == "[A|]"
    with override_settings(AFTERCLASS_FRAGMENT_CACHE=False):
        # Off, it is a plain block: the page's tests then show what the key would miss.
        assert _render(source, person, a="A", b="B") == "[A|B]"


def test_a_fragment_is_remembered_per_viewer():
    ada, bob = PersonFactory(display_name="Ada"), PersonFactory(display_name="Bob")
    source = "{% fragment n=n %}{{ n }} for {{ user.display_name }}{% endfragment %}"
    assert _render(source, ada, n=1) == "1 for Ada"
    assert _render(source, bob, n=1) == "1 for Bob"
    assert _render(source, ada, n=1) == "1 for Ada"
    assert _entries() == 2


def test_a_remembered_time_is_worded_at_each_request():
    person = PersonFactory()
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    source = "{% load posts %}{% fragment at=at %}{% time_ago at %}{% endfragment %}"
    with mock.patch.object(fragments.timezone, "now", return_value=moment + timedelta(minutes=5)):
        assert _render(source, person, at=moment).endswith(">5\xa0minutes ago</time>")
    with mock.patch.object(fragments.timezone, "now", return_value=moment + timedelta(hours=2)):
        assert _render(source, person, at=moment).endswith(">2\xa0hours ago</time>")
    assert _entries() == 1


def test_no_marker_is_left_outside_a_fragment():
    html = Template("{% load posts %}{% time_ago at %}").render(
        Context({"at": datetime(2026, 3, 1, tzinfo=UTC)})
    )
    assert "\x00" not in html
    assert html.endswith("ago</time>")


# --- Pages --------------------------------------------------------------------------------


@pytest.fixture
def thread():
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, name="Retros", anonymous_questions=AnonymousQuestions.MEMBERS)
    asker, helper = PersonFactory(display_name="Asa Asker"), PersonFactory(display_name="Hal")
    add_member(space, asker)
    add_member(space, helper)
    question = make_post(space, asker, kind=PostKind.QUESTION, anonymous=True)
    answer = make_comment(question, helper, "Use a timeline.")
    make_comment(question, asker, "Thanks, trying it.", parent=answer)
    make_comment(question, owner, "A second answer.")
    return space, question, answer, owner, asker, helper


def test_a_change_shows_at_once_on_a_remembered_page(thread):
    space, question, answer, owner, asker, helper = thread
    client = Client()
    client.force_login(helper)
    path = f"/posts/{question.pk}/"
    first = _assert_same_page(client, path)
    assert "Use a timeline." in first
    do_edit_comment(answer, actor=helper, body="Use a timeline, then vote.")
    assert "Use a timeline, then vote." in _assert_same_page(client, path)
    do_react(comment=answer, actor=asker, kind="helped")
    assert "1 found this helpful" in _assert_same_page(client, path)
    helper.display_name = "Hal Helper"
    helper.save()
    client.force_login(owner)
    assert "Hal Helper" in _assert_same_page(client, path)
    do_hide_comment(answer, actor=owner, reason="Off topic")
    assert "Hidden by a moderator: Off topic" in _assert_same_page(client, path)
    client.force_login(asker)
    page = _assert_same_page(client, path)
    assert "Use a timeline, then vote." not in page
    for where in ("/feed/", f"/spaces/{space.slug}/"):
        _assert_same_page(client, where)


def test_a_second_visit_reads_what_the_first_remembered(thread):
    """Nothing a visit itself changes (the viewer's read time) is in a fragment's key: else every
    visit would render every fragment afresh, and remember it again."""
    space, question, _answer, owner, _asker, _helper = thread
    client = Client()
    client.force_login(owner)
    for path in (f"/posts/{question.pk}/", "/feed/", f"/spaces/{space.slug}/"):
        client.get(path)  # the first visit marks what it shows read
        client.get(path)
        remembered = _entries()
        assert remembered > 0, path
        client.get(path)
        assert _entries() == remembered, f"{path}: the second visit remembered new fragments"


def test_a_form_in_a_remembered_fragment_is_accepted_for_its_session(thread):
    _space, question, answer, owner, _asker, _helper = thread
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get(f"/posts/{question.pk}/")
    page = client.get(f"/posts/{question.pk}/").content.decode()  # read from the cache
    form = re.search(
        rf'id="comment-reactions-{answer.pk}"[^>]*>.*?name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
        re.S,
    )
    assert form is not None
    response = client.post(
        f"/comments/{answer.pk}/react/",
        {"csrfmiddlewaretoken": form.group(1), "kind": "helped", "pressed": ""},
    )
    assert response.status_code in (200, 302)


# Every viewer of random small worlds (moderators, anonymous askers, people who left, hidden
# and removed posts and comments, unreleased prompts): their feed, the spaces' homes and the
# post pages are the same with the cache off, filled and read.
@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@seed(61)
@given(spec=worlds())
def test_pages_are_the_same_with_the_cache_on_and_off(spec):
    caches[fragments.CACHE_ALIAS].clear()
    with rolled_back():
        world = build(spec)
        for viewer in world.viewers:
            if not viewer.is_active:
                continue
            client = Client()
            client.force_login(viewer)
            paths = ["/feed/", *(f"/spaces/{s.slug}/" for s in world.spaces)]
            paths += [f"/posts/{post.pk}/" for post in world.posts]
            for path in paths:
                _assert_same_page(client, path)


def test_a_moderator_and_a_member_get_their_own_thread(thread):
    _space, question, _answer, owner, _asker, helper = thread
    pages = {}
    for who in (owner, helper):
        client = Client()
        client.force_login(who)
        pages[who.pk] = _assert_same_page(client, f"/posts/{question.pk}/")
    assert "Hide the comment" in pages[owner.pk]
    assert "Hide the comment" not in pages[helper.pk]
