"""The data of the fault suite (test_faults.py), written inside its subprocesses with the
project's factories and actions: `python -m afterclass.cli shell -c "from … import seed; …"`.

Each function prints one JSON line the test reads back.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.db.models import F

AUTHOR_EMAIL = "author@example.org"
COMMENTER_EMAIL = "commenter@example.org"
SPACE_NAME = "Everyone"


def seed(members: int) -> None:
    """A launched space with an author (moderator), a commenter and `members` more members;
    nothing left in the queue (what setting up queued is not the test's)."""
    from afterclass.notifications.actions import silenced
    from afterclass.people.models import Person
    from afterclass.people.tests.factories import PersonFactory
    from afterclass.spaces.models import Membership, Role, Space
    from afterclass.spaces.tests.factories import add_member, make_space
    from afterclass.worker.models import QueuedTask

    with silenced():
        space = make_space(name=SPACE_NAME)
        add_member(space, PersonFactory(email=AUTHOR_EMAIL), role=Role.MODERATOR)
        add_member(space, PersonFactory(email=COMMENTER_EMAIL))
        people = Person.objects.bulk_create(
            Person(email=f"member{n}@example.org", display_name=f"Member {n}", password="!")
            for n in range(members)
        )
        Membership.objects.bulk_create(
            Membership(space=space, person=person, rules_version_accepted=space.rules_version)
            for person in people
        )
        Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + members)
    QueuedTask.objects.all().delete()
    print(json.dumps({"space": space.pk, "members": members}))


def announce(channel: str) -> None:
    """Every member chooses `channel` for announcements, then the author announces: the
    fan-out to all of them is queued (the only task in the queue besides indexing). Prints the
    post, how many members it tells (all but its author) and the fan-out task's id."""
    from afterclass.notifications.models import NotificationKind, NotificationPreference
    from afterclass.people.models import Person
    from afterclass.posts.actions import do_create_post
    from afterclass.spaces.models import Membership, MembershipState, Space
    from afterclass.worker.models import QueuedTask

    author = Person.objects.get(email=AUTHOR_EMAIL)
    NotificationPreference.objects.bulk_create(
        NotificationPreference(person_id=pk, kind=NotificationKind.ANNOUNCEMENT, channel=channel)
        for pk in Person.objects.exclude(pk=author.pk).values_list("pk", flat=True)
    )
    space = Space.objects.get(name=SPACE_NAME)
    post = do_create_post(
        space, actor=author, kind="announcement", title="Town hall", body="Friday at three."
    )
    told = Membership.objects.filter(space=space, state=MembershipState.ACTIVE).exclude(
        person=author
    )
    fan_out = QueuedTask.objects.get(task_path="afterclass.notifications.tasks.fan_out")
    print(json.dumps({"post": post.pk, "recipients": told.count(), "task": fan_out.pk.hex}))


def comment_every(seconds: float, stop_file: str) -> None:
    """Comment on the announcement every `seconds` until `stop_file` exists, through the
    action (its own transaction, its notices and indexing queued as in a request); each saved
    comment's id is printed as it is saved, with when the action began and returned (UTC), so
    the test knows what was acknowledged and when the commenter was writing."""
    from django.utils import timezone

    from afterclass.people.models import Person
    from afterclass.posts.actions import do_comment
    from afterclass.posts.models import Post

    def now() -> str:
        return timezone.now().replace(tzinfo=None).isoformat()

    commenter = Person.objects.get(email=COMMENTER_EMAIL)
    post = Post.objects.get(title="Town hall")
    number = 0
    while not Path(stop_file).exists():
        number += 1
        began = now()
        comment = do_comment(post, actor=commenter, body=f"Comment {number}")
        print(json.dumps({"comment": comment.pk, "began": began, "ended": now()}), flush=True)
        time.sleep(seconds)
    print(json.dumps({"done": number}), flush=True)
    sys.stdout.flush()
