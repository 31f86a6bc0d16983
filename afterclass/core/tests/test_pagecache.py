"""Remembered pages (afterclass.core.pagecache): answered again without running the view while
nothing they were built from changed, per viewer, whatever path a change takes, and the same
HTML as a page built afresh."""

from __future__ import annotations

import contextlib
import random
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from afterclass.core import fragments, pagecache
from afterclass.core.errors import NotAllowed
from afterclass.core.tests.test_cache import closed_port
from afterclass.core.tests.test_fragments import _same_bytes
from afterclass.core.tests.visibility_world import (
    PersonSpec,
    PostSpec,
    SpaceSpec,
    World,
    WorldSpec,
    build,
    rolled_back,
    worlds,
)
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_post
from afterclass.posts.models import Comment, ContentState, Post, PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_leave_space
from afterclass.spaces.models import Membership, MembershipState, Role, Space, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


# A relative time's wording is the clock's: a page built now and one answered a moment later
# may fall on either side of a minute (test_times_are_worded_when_answered checks the wording).
_TIME_TEXT = re.compile(r'(<time datetime="[^"]+">)[^<]*(</time>)')


def _same(html: str) -> str:
    return _TIME_TEXT.sub(r"\1\2", _same_bytes(html))


@pytest.fixture(autouse=True)
def _own_generations(settings, tmp_path) -> None:
    """Generations of this test alone: other test runs on the machine share the data folder's
    (or Redis), and their commits would make pages here be built again (never wrongly
    answered, but a test counting queries would see it)."""
    store = dict(settings.CACHES[pagecache.GENERATIONS_ALIAS])
    if "Redis" in store["BACKEND"]:
        store["KEY_PREFIX"] = f"test-pages-{uuid.uuid4().hex}"
    else:
        store["LOCATION"] = str(tmp_path / "generations")
    settings.CACHES = {**settings.CACHES, pagecache.GENERATIONS_ALIAS: store}
    caches[pagecache.PAGES_ALIAS].clear()


@contextmanager
def _cache_off() -> Iterator[None]:
    """Build pages afresh without telling anything (a changed setting would itself be a
    change: every remembered page would be dropped, and no stale one could be caught)."""
    with mock.patch.object(pagecache, "enabled", return_value=False):
        yield


def _fresh(client: Client, path: str) -> tuple[int, str]:
    """The page as it is now, built with the cache off, leaving nothing changed: not the
    database (rolled back), not the generations (this process's are put back)."""
    saved = dict(pagecache._local)
    try:
        with rolled_back(), _cache_off():
            response = client.get(path)
    finally:
        pagecache._local.clear()
        pagecache._local.update(saved)
    return response.status_code, _same(response.content.decode())


def _answered(client: Client, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, _same(response.content.decode())


def _remember(client: Client, path: str) -> None:
    """Visit until the page is remembered: the first visit teaches the view's tables, the
    second may change something (a first read mark), the third is kept."""
    for _ in range(3):
        client.get(path)


@pytest.fixture
def thread():
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, name="Retros")
    member = PersonFactory(display_name="Mia Member")
    add_member(space, member)
    post = make_post(space, owner, title="Our retro format")
    comment = make_comment(post, member, "We use a timeline.")
    return space, post, comment, owner, member


PATHS = ("/feed/", "/spaces/retros/", "/posts/{post}/", "/search/?q=timeline")


def _paths(post: Post) -> list[str]:
    return [path.format(post=post.pk) for path in PATHS]


def test_a_remembered_page_runs_no_query_of_its_view(thread):
    _space, post, _comment, _owner, member = thread
    client = Client()
    client.force_login(member)
    for path in _paths(post):
        _remember(client, path)
        with CaptureQueriesContext(connection) as queries:
            status, html = _answered(client, path)
        assert status == 200
        # The session and the signed-in person (the middleware's), nothing of the page.
        assert len(queries) <= 2, (path, [q["sql"][:80] for q in queries.captured_queries])
        assert html == _fresh(client, path)[1], path


def test_every_way_of_writing_shows_at_once(thread):
    _space, post, _comment, owner, member = thread
    client = Client()
    client.force_login(member)
    changes: list[tuple[Callable[[], object], str]] = [
        # an action, in a transaction
        (lambda: make_comment(post, owner, "Try a sailboat."), "Try a sailboat."),
        # a queryset update
        (lambda: Post.objects.filter(pk=post.pk).update(title="Retros that work"), "Retros that"),
        # a raw statement
        (lambda: _raw("UPDATE posts_comment SET body_html = '<p>Edited by hand.</p>'"), "by hand"),
        # a bulk insert
        (lambda: _bulk_comment(post, owner, "Bulk hello."), "Bulk hello."),
    ]
    for change, text in changes:
        for path in _paths(post)[:3]:
            _remember(client, path)
        change()
        for path in _paths(post)[:3]:
            expected = _fresh(client, path)
            assert _answered(client, path) == expected, path
        assert text in _answered(client, f"/posts/{post.pk}/")[1]


def _raw(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _raw_params(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _bulk_comment(post: Post, author, body: str) -> None:
    Comment.objects.bulk_create(
        [Comment(post=post, author=author, body=body, body_html=f"<p>{body}</p>")]
    )


def test_losing_access_is_not_answered_from_memory(thread):
    space, post, _comment, _owner, member = thread
    client = Client()
    client.force_login(member)
    for path in _paths(post):
        _remember(client, path)
    do_leave_space(space, actor=member)
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert "Our retro format" not in client.get("/feed/").content.decode()
    assert "Our retro format" not in client.get("/search/?q=timeline").content.decode()


def test_a_page_is_its_viewers_own(thread):
    space, post, _comment, owner, member = thread
    outsider = PersonFactory(display_name="Otto Outsider")
    space.visibility = Visibility.SECRET
    space.save()
    clients = {}
    for person in (member, owner, outsider):
        clients[person.pk] = Client()
        clients[person.pk].force_login(person)
    _remember(clients[member.pk], f"/posts/{post.pk}/")
    assert clients[outsider.pk].get(f"/posts/{post.pk}/").status_code == 404
    owner_page = clients[owner.pk].get(f"/posts/{post.pk}/").content.decode()
    assert "Mia Member" in owner_page  # not the member's own page, where they are "You"
    member_page = clients[member.pk].get(f"/posts/{post.pk}/").content.decode()
    assert owner_page != member_page


def test_what_changes_something_is_not_remembered_but_the_next_visit_is(thread):
    _space, post, _comment, owner, member = thread
    client = Client()
    client.force_login(member)
    path = f"/posts/{post.pk}/"
    _remember(client, path)
    caches[pagecache.PAGES_ALIAS].clear()
    make_comment(post, owner, "New since.")
    client.get(path)  # writes the read mark: not kept
    assert not caches[pagecache.PAGES_ALIAS]._cache  # type: ignore[attr-defined]
    client.get(path)  # nothing to write
    assert len(caches[pagecache.PAGES_ALIAS]._cache) == 1  # type: ignore[attr-defined]


def test_times_are_worded_when_answered(thread):
    _space, post, _comment, _owner, member = thread
    Post.objects.filter(pk=post.pk).update(created_at=post.created_at.replace(year=2020))
    client = Client()
    client.force_login(member)
    _remember(client, "/feed/")
    html = client.get("/feed/").content.decode()
    assert "\x00" not in html
    assert re.search(r"<time datetime=\"2020-[^\"]+\">\d+\xa0years?", html)


def test_a_page_with_a_message_is_neither_answered_from_memory_nor_remembered(thread, rf):
    _space, _post, _comment, _owner, member = thread
    client = Client()
    client.force_login(member)
    _remember(client, "/feed/")
    storage = CookieStorage(rf.get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Saved for later.")])
    assert "Saved for later." in client.get("/feed/").content.decode()
    assert "Saved for later." not in client.get("/feed/").content.decode()


def test_a_remembered_page_expires(thread):
    _space, _post, _comment, _owner, member = thread
    client = Client()
    client.force_login(member)
    _remember(client, "/feed/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/feed/")
    assert len(queries) <= 2
    later = pagecache.time.time() + pagecache.settings.AFTERCLASS_PAGE_CACHE_SECONDS + 1
    with (
        mock.patch.object(pagecache.time, "time", return_value=later),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get("/feed/")
    assert len(queries) > 2


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_a_change_once_it_is_committed():
    """What this process changes it sees at once; another process (its own counts of
    uncommitted changes empty) sees the new generation when the transaction commits, and
    not the one of a savepoint rolled back."""
    owner = PersonFactory()
    space = make_space(owner, name="Commits")
    before = pagecache.generations(["posts_post", "spaces_space"])
    assert before is not None
    with transaction.atomic():
        make_post(space, owner, title="Inside")
        inside = pagecache.generations(["posts_post"])
        elsewhere = _as_another_process(["posts_post"])
        assert inside is not None
        assert inside[0] != before[0]
        assert elsewhere is not None
        assert elsewhere[0].split(".")[0] == before[0].split(".")[0]
        try:
            with transaction.atomic():
                Space.objects.filter(pk=space.pk).update(name="Renamed")
                raise RuntimeError
        except RuntimeError:
            pass
    after = _as_another_process(["posts_post", "spaces_space"])
    assert after is not None
    assert after[0].split(".")[0] != before[0].split(".")[0]  # committed: shared
    assert after[1].split(".")[0] == before[1].split(".")[0]  # rolled back: never shared


def _as_another_process(tables: list[str]) -> tuple[str, ...] | None:
    saved = dict(pagecache._local)
    pagecache._local.clear()
    try:
        return pagecache.generations(tables)
    finally:
        pagecache._local.update(saved)


def test_nothing_is_remembered_when_the_generations_cannot_be_read(thread, settings):
    _space, _post, _comment, _owner, member = thread
    client = Client()
    client.force_login(member)
    settings.CACHES = {
        **settings.CACHES,
        "generations": {
            "BACKEND": "afterclass.core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        },
    }
    _remember(client, "/feed/")
    assert not caches[pagecache.PAGES_ALIAS]._cache  # type: ignore[attr-defined]
    assert client.get("/feed/").status_code == 200


# --- Random worlds, random changes ---------------------------------------------------------


def _changes(world: World) -> list[Callable[[], object]]:
    """Ways the world changes, each through a different kind of write."""
    first_space, first_post = world.spaces[0], world.posts[0] if world.posts else None
    changes: list[Callable[[], object]] = [
        lambda: Space.objects.filter(pk=first_space.pk).update(visibility=Visibility.SECRET),
        lambda: (
            Membership.objects.filter(space=first_space)
            .exclude(role=Role.OWNER)
            .update(state=MembershipState.LEFT)
        ),
        lambda: Membership.objects.filter(space=first_space, role=Role.MEMBER).delete(),
        lambda: (
            world.people[0]
            .__class__.objects.filter(pk=world.people[0].pk)
            .update(display_name="Renamed Person")
        ),
    ]
    if first_post is not None:
        changes += [
            lambda: Post.objects.filter(pk=first_post.pk).update(state=ContentState.HIDDEN),
            lambda: Post.objects.filter(pk=first_post.pk).update(title="A new title"),
            lambda: _raw_params(
                "UPDATE posts_post SET body_html = '<p>Raw.</p>' WHERE id = %s", [first_post.pk]
            ),
            lambda: make_comment(first_post, world.people[0], "A new comment quokka"),
            lambda: Comment.objects.filter(post=first_post).update(state=ContentState.HIDDEN),
        ]
        moderator = next(
            (
                m.person
                for m in Membership.objects.filter(
                    space=first_post.space, role=Role.OWNER, state=MembershipState.ACTIVE
                )
            ),
            None,
        )
        if moderator is not None and first_post.state == ContentState.VISIBLE:
            changes.append(lambda: do_hide_post(first_post, actor=moderator, reason="Off topic"))
    return changes


_REFUSING_WORLD = WorldSpec(
    people=(PersonSpec(admin=False, active=True), PersonSpec(admin=False, active=False)),
    spaces=(SpaceSpec(owner=1),),
    posts=(PostSpec(space=0, author=0, kind=PostKind.DISCUSSION),),
)


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@seed(19)
@given(spec=worlds(), choice=st.integers(min_value=0, max_value=1000))
# Found in a full run: the only owner deactivated (cannot hide), a non-member cannot comment.
@example(spec=_REFUSING_WORLD, choice=389)
@example(spec=_REFUSING_WORLD, choice=387)
def test_after_any_change_every_viewer_gets_the_page_as_it_is(spec, choice):
    caches[pagecache.PAGES_ALIAS].clear()
    caches[fragments.CACHE_ALIAS].clear()
    with rolled_back():
        world = build(spec)
        viewers = [viewer for viewer in world.viewers if viewer.is_active]
        clients = {}
        paths = ["/feed/", *(f"/spaces/{s.slug}/" for s in world.spaces)]
        paths += [f"/posts/{post.pk}/" for post in world.posts]
        paths.append("/search/?q=quokka")
        for viewer in viewers:
            clients[viewer.pk] = Client()
            clients[viewer.pk].force_login(viewer)
            for path in paths:
                _remember(clients[viewer.pk], path)
        changes = _changes(world)
        change = changes[choice % len(changes)]
        # An action the world refuses (its author may not take part, its moderator was
        # deactivated) changes nothing: the pages must still be as they are.
        with contextlib.suppress(NotAllowed), transaction.atomic():
            change()
        for viewer in viewers:
            for path in paths:
                expected = _fresh(clients[viewer.pk], path)
                assert _answered(clients[viewer.pk], path) == expected, (viewer, path, choice)


def test_random_order_of_visits_and_changes_on_one_thread(thread):
    space, post, comment, owner, member = thread
    rng = random.Random(7)
    clients = {person.pk: Client() for person in (owner, member)}
    for person in (owner, member):
        clients[person.pk].force_login(person)
    changes = [
        lambda: make_comment(post, owner, f"Note {rng.random():.6f}"),
        lambda: Comment.objects.filter(pk=comment.pk).update(state=ContentState.HIDDEN),
        lambda: Comment.objects.filter(pk=comment.pk).update(state=ContentState.VISIBLE),
        lambda: Post.objects.filter(pk=post.pk).update(is_pinned=True),
        lambda: make_post(space, member, kind=PostKind.QUESTION, title=f"Q {rng.random():.6f}"),
    ]
    for _ in range(30):
        person = rng.choice((owner, member))
        path = rng.choice(_paths(post))
        if rng.random() < 0.3:
            rng.choice(changes)()
        expected = _fresh(clients[person.pk], path)
        assert _answered(clients[person.pk], path) == expected, path


def test_a_page_whose_statements_were_not_watched_is_not_remembered(thread):
    _space, _post, _comment, _owner, member = thread
    client = Client()
    client.force_login(member)
    watch = pagecache._watch
    connection.execute_wrappers.remove(watch)
    try:
        with mock.patch.object(pagecache, "install_write_watch"):
            _remember(client, "/feed/")
        assert not caches[pagecache.PAGES_ALIAS]._cache  # type: ignore[attr-defined]
    finally:
        connection.execute_wrappers.insert(0, watch)
    _remember(client, "/feed/")
    assert caches[pagecache.PAGES_ALIAS]._cache  # type: ignore[attr-defined]
