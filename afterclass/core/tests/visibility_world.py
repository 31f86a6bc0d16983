"""Small random worlds for the visibility property test, and the one reference rule (the oracle)
every surface is checked against (issue 13 part 1).

A world is first drawn as plain data (`WorldSpec`, so that hypothesis can shrink it and a
counterexample can be written down as an `@example`), then built through the product's own
factories and actions, each action's after-commit work (notification fan-out, search index,
live events) run right after it as in production. The oracle (`Oracle`) is written from
PRODUCT.md and the docstrings of posts/access.py, spaces/access.py and search/access.py, and
takes the strictest reading where surfaces disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from unittest import mock

from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import strategies as st

from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.notifications.actions import do_set_space_level
from afterclass.people.actions import do_set_active
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import (
    do_hide_comment,
    do_hide_post,
    do_remove_comment,
    do_remove_post,
)
from afterclass.posts.models import Comment, ContentState, Post, PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_ban_member, do_leave_space, do_set_space_status
from afterclass.spaces.models import (
    AnonymousQuestions,
    Membership,
    MembershipState,
    Role,
    Space,
    Status,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

# Every generated post and comment contains this word, so one search finds all of them.
WORD = "quokka"
# Names and e-mail handles that are never substrings of one another (for "is the asker named?").
NAMES = ["Alma Ashgrove", "Bram Birchley", "Cleo Cedarholm", "Dov Dogwoodson", "Esa Elmstead"]
VIEWER_STATES = [MembershipState.ACTIVE, MembershipState.LEFT, MembershipState.BANNED,
                 MembershipState.PENDING, MembershipState.DECLINED]  # fmt: skip
POST_STATES = [ContentState.VISIBLE, ContentState.HIDDEN, ContentState.REMOVED_BY_AUTHOR,
               ContentState.REMOVED_BY_MODERATOR]  # fmt: skip
MODERATOR_ROLES = (Role.OWNER, Role.MODERATOR)
ACTIVE = st.sampled_from([True, True, False])  # mostly active people: they see the most


# --- The world as data ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    admin: bool = False
    active: bool = True


@dataclass(frozen=True)
class SpaceSpec:
    owner: int = 0  # index into people; the owner creates the space and stays an active owner
    secret: bool = False
    status: str = Status.LAUNCHED
    anonymous: str = AnonymousQuestions.OFF
    prompt: bool = False  # a unit released in three days, with a discussion prompt


@dataclass(frozen=True)
class MemberSpec:
    person: int
    space: int
    role: str = Role.MEMBER
    state: str = MembershipState.ACTIVE  # the final state: left and banned ones took part first
    follows_all: bool = False


@dataclass(frozen=True)
class PostSpec:
    space: int
    author: int
    kind: str = PostKind.DISCUSSION
    anonymous: bool = False
    state: str = ContentState.VISIBLE


@dataclass(frozen=True)
class CommentSpec:
    post: int  # index into posts; -1 - n: the prompt of space n
    author: int
    reply_to: int | None = None  # index of an earlier comment of the same post
    mention: int | None = None  # index of a person @mentioned in the text
    state: str = ContentState.VISIBLE


@dataclass(frozen=True)
class WorldSpec:
    people: tuple[PersonSpec, ...]
    spaces: tuple[SpaceSpec, ...]
    members: tuple[MemberSpec, ...] = ()
    posts: tuple[PostSpec, ...] = ()
    comments: tuple[CommentSpec, ...] = ()


@st.composite
def worlds(draw: st.DrawFn) -> WorldSpec:
    n_people = draw(st.integers(2, len(NAMES)))
    people = tuple(
        draw(st.builds(PersonSpec, admin=st.booleans(), active=ACTIVE)) for _ in range(n_people)
    )
    person = st.integers(0, n_people - 1)
    spaces = tuple(
        draw(
            st.builds(
                SpaceSpec,
                owner=person,
                secret=st.booleans(),
                status=st.sampled_from([Status.LAUNCHED, Status.ARCHIVED, Status.PLANNING]),
                anonymous=st.sampled_from(list(AnonymousQuestions)),
                prompt=st.booleans(),
            )
        )
        for _ in range(draw(st.integers(1, 3)))
    )
    space = st.integers(0, len(spaces) - 1)
    members = tuple(
        draw(
            st.lists(
                st.builds(
                    MemberSpec,
                    person=person,
                    space=space,
                    role=st.sampled_from(list(Role)),
                    state=st.sampled_from(VIEWER_STATES),
                    follows_all=st.booleans(),
                ),
                max_size=6,
                unique_by=lambda m: (m.person, m.space),
            )
        )
    )
    posts = tuple(
        draw(
            st.lists(
                st.builds(
                    PostSpec,
                    space=space,
                    author=person,
                    kind=st.sampled_from(
                        [PostKind.DISCUSSION, PostKind.QUESTION, PostKind.ANNOUNCEMENT]
                    ),
                    anonymous=st.booleans(),
                    state=st.sampled_from(POST_STATES),
                ),
                max_size=4,
            )
        )
    )
    targets = list(range(len(posts))) + [-1 - n for n, s in enumerate(spaces) if s.prompt]
    comments: list[CommentSpec] = []
    if targets:
        for _ in range(draw(st.integers(0, 4))):
            target = draw(st.sampled_from(targets))
            earlier = [n for n, c in enumerate(comments) if c.post == target]
            comments.append(
                CommentSpec(
                    post=target,
                    author=draw(person),
                    reply_to=draw(st.none() | st.sampled_from(earlier)) if earlier else None,
                    mention=draw(st.none() | person),
                    state=draw(st.sampled_from(POST_STATES)),
                )
            )
    return WorldSpec(people, spaces, members, posts, tuple(comments))


# --- Building it through the product's actions ----------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's database writes, undone afterwards (the test's transaction stays open)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def committed[T](action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run an action and then, as a commit would, its after-commit work (fan-out, index, live)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return action(*args, **kwargs)


def _person(**fields):  # untyped: factory_boy's factories return the model instance
    return PersonFactory(**fields)


@dataclass
class World:
    spec: WorldSpec
    operator: Person  # an organisation admin outside every space: deactivates people
    people: list[Person]
    spaces: list[Space]
    posts: list[Post] = field(default_factory=list)  # the generated posts and the prompts
    prompts: set[int] = field(default_factory=set)  # ids of unreleased discussion prompts
    comments: list[Comment] = field(default_factory=list)

    @property
    def viewers(self) -> list[Person]:
        return [*self.people, self.operator]

    def refresh(self) -> None:
        for row in [*self.people, *self.spaces, *self.posts, *self.comments]:
            row.refresh_from_db()


def build(spec: WorldSpec) -> World:
    """Make the world: content first, while everyone takes part, then the final states
    (hidden/removed content, members who left or were banned, archived spaces, deactivated
    people), each through its action. Immediate e-mails are not sent while building: the test
    sends them once, for the final world (see surfaces `email-now`)."""
    # The task is a frozen dataclass: the module's name for it is replaced, not its method.
    with mock.patch("afterclass.notifications.tasks.send_pending_emails"):
        return _build(spec)


def _build(spec: WorldSpec) -> World:
    operator = _person(
        email="root.operator@example.org", display_name="Root Operator", is_org_admin=True
    )
    people = [
        _person(
            email=f"{NAMES[n].split()[0].lower()}.{NAMES[n].split()[1].lower()}@example.org",
            display_name=NAMES[n],
            is_org_admin=person.admin,
        )
        for n, person in enumerate(spec.people)
    ]
    world = World(spec, operator, people, spaces=[])
    for n, s in enumerate(spec.spaces):
        space = committed(
            make_space,
            people[s.owner],
            name=f"Space {n}",
            status=Status.PLANNING if s.status == Status.PLANNING else Status.LAUNCHED,
            visibility=Visibility.SECRET if s.secret else Visibility.LISTED,
            anonymous_questions=s.anonymous,
            mode="structured",
            template="course",
        )
        world.spaces.append(space)
    for m in spec.members:
        space = world.spaces[m.space]
        if m.person == spec.spaces[m.space].owner:
            continue  # the owner's membership is made with the space
        # A fixture, as the other apps' tests set memberships up: left and banned members are
        # active first so that they can write, then leave or are banned by their action.
        took_part = m.state in (MembershipState.LEFT, MembershipState.BANNED)
        state = MembershipState.ACTIVE if took_part else m.state
        add_member(space, people[m.person], role=m.role, state=state)
        if m.follows_all and state == MembershipState.ACTIVE:
            committed(do_set_space_level, space, "all", actor=people[m.person])
    for n, s in enumerate(spec.spaces):
        if s.prompt:
            owner, space = people[s.owner], world.spaces[n]
            later = timezone.now() + timedelta(days=3)
            unit = committed(make_unit, space, owner, title="Later", release_at=later)
            activity = committed(
                make_activity, unit, owner, "discussion", title=f"{WORD} prompt qprompt{n}q",
                instructions=f"Discuss {WORD}s in qpromptbody{n}q.",
            )  # fmt: skip
            assert activity.post_id is not None
            world.prompts.add(activity.post_id)
    generated = [committed(_post, world, n, p) for n, p in enumerate(spec.posts)]
    prompt_posts = {
        -1 - n: post
        for post in Post.objects.filter(pk__in=world.prompts)
        for n, space in enumerate(world.spaces)
        if post.space_id == space.pk
    }
    world.posts = [*generated, *prompt_posts.values()]
    for n, c in enumerate(spec.comments):
        post = generated[c.post] if c.post >= 0 else prompt_posts[c.post]
        world.comments.append(committed(_comment, world, n, c, post))
    _final_states(world)
    world.refresh()
    return world


def _takes_part(world: World, person: Person, space: Space) -> bool:
    return Membership.objects.filter(
        space=space,
        person=person,
        state=MembershipState.ACTIVE,
        rules_version_accepted__gte=space.rules_version,
    ).exists()


def _moderates(person: Person, space: Space) -> bool:
    return Membership.objects.filter(
        space=space, person=person, state=MembershipState.ACTIVE, role__in=MODERATOR_ROLES
    ).exists()


def _post(world: World, n: int, p: PostSpec) -> Post:
    """The post as asked for, or the nearest one the product allows (the owner writes it when
    the author may not, no anonymity where the space takes none, announcements by moderators)."""
    space = world.spaces[p.space]
    author = world.people[p.author]
    if not _takes_part(world, author, space):
        author = world.people[world.spec.spaces[p.space].owner]
    kind = p.kind
    if kind == PostKind.ANNOUNCEMENT and not _moderates(author, space):
        kind = PostKind.DISCUSSION
    anonymous = p.anonymous and kind == PostKind.QUESTION and space.anonymous_questions != "off"
    title, body = f"{WORD} topic qpost{n}q", f"About {WORD}s: qbody{n}q."
    return make_post(space, author, kind=kind, anonymous=anonymous, title=title, body=body)


def _comment(world: World, n: int, c: CommentSpec, post: Post) -> Comment:
    """The comment as asked for, by the space's owner when the author may not comment (on a
    prompt not yet released only its facilitators can reach the thread)."""
    space = post.space
    author = world.people[c.author]
    if not _takes_part(world, author, space) or (
        post.pk in world.prompts and not _moderates(author, space)
    ):
        author = world.people[world.spec.spaces[world.spaces.index(space)].owner]
    text = f"{WORD} reply qcomm{n}q."
    if c.mention is not None:
        text += " Thanks @" + world.people[c.mention].email.split("@")[0] + " !"
    parent = world.comments[c.reply_to] if c.reply_to is not None else None
    if parent is not None and parent.state != ContentState.VISIBLE:
        parent = None
    return make_comment(post, author, text, parent=parent)


def _final_states(world: World) -> None:
    spec = world.spec
    # Comments first: hiding or removing a post does not stop its comments' moderation.
    for c, comment in zip(spec.comments, world.comments, strict=True):
        _set_state(world, comment, c.state)
    for p, post in zip(spec.posts, world.posts, strict=False):  # the prompts stay visible
        _set_state(world, post, p.state)
    for m in spec.members:
        space, person = world.spaces[m.space], world.people[m.person]
        if m.person == spec.spaces[m.space].owner:
            continue
        if m.state == MembershipState.LEFT:
            committed(do_leave_space, space, actor=person)
        elif m.state == MembershipState.BANNED:
            membership = Membership.objects.get(space=space, person=person)
            owner = world.people[spec.spaces[m.space].owner]
            committed(do_ban_member, space, membership.pk, actor=owner)
    for s, space in zip(spec.spaces, world.spaces, strict=True):
        if s.status == Status.ARCHIVED:
            committed(do_set_space_status, space, Status.ARCHIVED, actor=world.people[s.owner])
    for who, person in zip(spec.people, world.people, strict=True):
        if not who.active:
            committed(do_set_active, person, False, actor=world.operator)


def _set_state(world: World, row: Post | Comment, state: str) -> None:
    space = row.space if isinstance(row, Post) else row.post.space
    owner = world.people[world.spec.spaces[world.spaces.index(space)].owner]
    by = row.author if state == ContentState.REMOVED_BY_AUTHOR else owner
    if state == ContentState.HIDDEN:
        hide = do_hide_post if isinstance(row, Post) else do_hide_comment
        committed(hide, row, actor=owner, reason="Off topic")
    elif state != ContentState.VISIBLE:
        remove = do_remove_post if isinstance(row, Post) else do_remove_comment
        committed(remove, row, actor=by)


# --- The oracle: one rule for who may see what ----------------------------------------------


class Oracle:
    """Who may see which space, post and comment, and whose name an anonymous question shows.

    - Deactivated people see nothing (they cannot sign in).
    - Organisation admins see every space and all of its content, hidden or not, released or
      not (spaces.access; posts.access; search.access for unreleased learning).
    - Otherwise a space's content is for its active members (left, banned, pending or declined
      people see none of it); a listed space that is launched or archived is known to everyone,
      a secret or planned one only to its active members.
    - A post's thread opens for those who see the space's content when the post is visible,
      removed (a placeholder: nobody reads its text) or their own; its moderators (active owners
      and moderators) also open hidden posts. A discussion prompt whose unit is not released
      opens only for the space's moderators and admins (not even for its author otherwise).
    - A comment is read by those who open its post, when it is visible or their own, or they
      moderate the space; removed comments are placeholders.
    - An anonymous question names its asker only to the asker, and to the space's moderators
      when the space is "anonymous to members"; not to admins (they reveal, audited).
    Surfaces that list (feeds, search) show only visible posts: a subset of what may be read.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.members: dict[tuple[int, int], Membership] = {
            (m.person_id, m.space_id): m
            for m in Membership.objects.filter(space__in=[s.pk for s in world.spaces])
        }
        self.posts = {p.pk: p for p in world.posts}
        self.comments = {c.pk: c for c in world.comments}
        self.spaces = {s.pk: s for s in world.spaces}

    # spaces

    def is_member(self, viewer: Person, space_id: int) -> bool:
        m = self.members.get((viewer.pk, space_id))
        return viewer.is_active and m is not None and m.state == MembershipState.ACTIVE

    def moderates(self, viewer: Person, space_id: int) -> bool:
        m = self.members.get((viewer.pk, space_id))
        return self.is_member(viewer, space_id) and m is not None and m.role in MODERATOR_ROLES

    def sees_content(self, viewer: Person, space_id: int) -> bool:
        return viewer.is_active and (viewer.is_org_admin or self.is_member(viewer, space_id))

    def knows_space(self, viewer: Person, space_id: int) -> bool:
        space = self.spaces[space_id]
        listed = space.visibility == Visibility.LISTED and space.status in (
            Status.LAUNCHED,
            Status.ARCHIVED,
        )
        return viewer.is_active and (listed or self.sees_content(viewer, space_id))

    # posts

    def opens_post(self, viewer: Person, post: Post) -> bool:
        """The thread page answers (the post, or a "removed" placeholder)."""
        if not self.sees_content(viewer, post.space_id):
            return False
        if viewer.is_org_admin or self.moderates(viewer, post.space_id):
            return True
        if post.pk in self.world.prompts:
            return False
        return post.state != ContentState.HIDDEN or post.author_id == viewer.pk

    def reads_post(self, viewer: Person, post: Post) -> bool:
        """Its text is shown to the viewer."""
        return self.opens_post(viewer, post) and not post.is_removed

    def listed_post(self, viewer: Person, post: Post) -> bool:
        """It may appear in a list (feeds, search): readable and visible."""
        return self.reads_post(viewer, post) and post.state == ContentState.VISIBLE

    def asker_shown(self, viewer: Person, post: Post) -> bool:
        if not post.is_anonymous or viewer.pk == post.author_id:
            return True
        space = self.spaces[post.space_id]
        return space.anonymous_questions == AnonymousQuestions.MEMBERS and self.moderates(
            viewer, post.space_id
        )

    # comments

    def comment_in_thread(self, viewer: Person, comment: Comment) -> bool:
        """It is in the thread as the viewer sees it (text or a "removed" placeholder)."""
        post = self.posts[comment.post_id]
        if not self.opens_post(viewer, post):
            return False
        if comment.parent_id is not None and not self.comment_in_thread(
            viewer, self.comments[comment.parent_id]
        ):
            return False
        if viewer.is_org_admin or self.moderates(viewer, post.space_id):
            return True
        return comment.state != ContentState.HIDDEN or comment.author_id == viewer.pk

    def reads_comment(self, viewer: Person, comment: Comment) -> bool:
        return self.comment_in_thread(viewer, comment) and not comment.is_removed

    # notifications

    def notification_shown(self, recipient: Person, notification: Any) -> bool:
        """A notification is shown only while its recipient may read what it is about (its
        space known; its post and comment readable, their own included)."""
        if not recipient.is_active or notification.recipient_id != recipient.pk:
            return False
        if notification.space_id is not None and not self.knows_space(
            recipient, notification.space_id
        ):
            return False
        post = self.posts.get(notification.post_id) if notification.post_id else None
        if post is not None and not (
            self.reads_post(recipient, post)
            or (post.author_id == recipient.pk and self.opens_post(recipient, post))
        ):
            return False
        comment = self.comments.get(notification.comment_id) if notification.comment_id else None
        return comment is None or (
            self.reads_comment(recipient, comment)
            or (comment.author_id == recipient.pk and self.comment_in_thread(recipient, comment))
        )
