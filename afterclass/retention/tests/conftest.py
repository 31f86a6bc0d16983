"""Small worlds for retention: spaces with old and recent threads, comments and files."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.attachments.tests.factories import make_upload
from afterclass.people.models import Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member, make_space


def age(post: Post, days: int) -> Post:
    """Backdate a thread: its post and its last activity `days` ago."""
    moment = timezone.now() - timedelta(days=days)
    Post.objects.filter(pk=post.pk).update(created_at=moment, last_activity_at=moment)
    post.refresh_from_db()
    return post


@dataclass
class World:
    admin: Person
    member: Person
    first: Space
    second: Space
    old: list[Post]
    recent: list[Post]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    """Two spaces; each has two threads idle for 400 days (one with a comment, one with a file)
    and one from last week."""
    admin = AdminFactory(display_name="Ann Admin")
    member = PersonFactory(display_name="Mo Member")
    old, recent = [], []
    with django_capture_on_commit_callbacks(execute=True):
        first = make_space(admin, name="Finance club", slug="finance-club")
        second = make_space(admin, name="Excel tips", slug="excel-tips")
        for space in (first, second):
            add_member(space, member)
            talked = make_post(space, member, title=f"Old talk in {space.name}")
            make_comment(talked, admin, "An old reply")
            upload = make_upload(member, "notes.png")
            filed = make_post(
                space, member, kind="resource", title=f"Old notes of {space.name}",
                body="", attachments=[upload.pk],
            )  # fmt: skip
            old += [age(talked, 400), age(filed, 400)]
            recent.append(age(make_post(space, member, title="Fresh"), 7))
    return World(admin, member, first, second, old, recent)


@pytest.fixture
def idle_spaces(admin) -> Callable[[int], None]:
    """`count` spaces, each with one thread idle for two months and a comment on it."""

    def make(count: int) -> None:
        author = PersonFactory()
        for number in range(count):
            space = make_space(admin, name=f"Space {number:02}", slug=f"space-{number}")
            add_member(space, author)
            thread = make_post(space, author, title="Old")
            make_comment(thread, admin, "Old reply")
            age(thread, 70)

    return make
