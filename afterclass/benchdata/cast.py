"""Who the benchmarks and the query-plan tests act as in a generated data set: the longest
thread in a launched space, that space's owner, a plain member of it (an owner or moderator of
no space, not the admin) with the most notifications, and the organisation admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from afterclass.benchdata.organisation import ADMIN_EMAIL
from afterclass.people.models import Person
from afterclass.posts.models import ContentState, Post
from afterclass.spaces.models import Membership, MembershipState, Role, Status


@dataclass(frozen=True)
class Cast:
    """Who uses the pages in the generated data, and what they look at."""

    member: Person  # of the space, and of no space an owner or moderator; not the admin
    owner: Person  # of the space
    admin: Person
    space: str
    post: int  # the longest thread in a launched space


def find_cast() -> Cast:
    leaders = Membership.objects.filter(role__in=[Role.OWNER, Role.MODERATOR]).values("person_id")
    threads = Post.objects.filter(
        state=ContentState.VISIBLE, space__status=Status.LAUNCHED
    ).select_related("space")
    for post in threads.order_by("-comment_count", "id")[:30]:
        active = Membership.objects.filter(space=post.space, state=MembershipState.ACTIVE)
        owner = (
            active.filter(role=Role.OWNER, person__is_active=True, person__is_org_admin=False)
            .select_related("person")
            .first()
        )
        member = (
            Person.objects.filter(
                is_active=True,
                is_org_admin=False,
                memberships__space=post.space,
                memberships__state=MembershipState.ACTIVE,
            )
            .exclude(id__in=leaders)
            .annotate(notices=Count("notifications", distinct=True))
            .order_by("-notices", "id")
            .first()
        )
        if owner and member:
            admin = Person.objects.get(email=ADMIN_EMAIL)
            return Cast(member, owner.person, admin, post.space.slug, post.pk)
    raise LookupError("No launched space has both an owner and a plain member.")


def describe_cast() -> dict[str, object]:
    """The cast as bench/pages.py reads it (JSON): e-mail addresses, the space and the thread."""
    cast = find_cast()
    post = Post.objects.get(pk=cast.post)
    return {
        "member": cast.member.email,
        "owner": cast.owner.email,
        "admin": cast.admin.email,
        "space": cast.space,
        "post": cast.post,
        "post_comments": post.comment_count,
    }
