"""People to offer when someone types `@` in the editor: the space's active members.

A suggestion is only ever someone a mention would link (posts.mentions): an active person with an
active membership of the space, whose handle (the e-mail local part) no other active person
shares. The query says nothing about who wrote what, so an anonymous question's editor uses it
like any other.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from afterclass.people.models import Person
from afterclass.posts.mentions import MAX_HANDLE_LENGTH
from afterclass.spaces.models import Membership

if TYPE_CHECKING:
    from afterclass.spaces.models import Space

MAX_SUGGESTIONS = 8


@dataclass(frozen=True)
class Suggestion:
    handle: str
    name: str


def _handle(person: Person) -> str:
    return person.email.rsplit("@", 1)[0]


def mention_suggestions(
    space: Space, typed: str, *, limit: int = MAX_SUGGESTIONS
) -> list[Suggestion]:
    """At most `limit` active members of the space whose name contains `typed` or whose handle
    starts with it, by name (two queries; none for empty input)."""
    typed = typed.strip().removeprefix("@")
    if not typed or len(typed) > MAX_HANDLE_LENGTH or "\x00" in typed:
        return []
    member = Membership.objects.active_in(space, OuterRef("pk"))
    # A few more than asked, in case some handles turn out to be shared.
    candidates = list(
        Person.objects.filter(Exists(member), is_active=True)
        .filter(Q(display_name__icontains=typed) | Q(email__istartswith=typed))
        .only("pk", "email", "display_name")
        .order_by("display_name", "pk")[: limit * 2]
    )
    if not candidates:
        return []
    named = Q()
    for handle in {_handle(person) for person in candidates}:
        named |= Q(email__startswith=f"{handle}@")
    shared = Counter(
        email.rsplit("@", 1)[0]
        for email in Person.objects.filter(named, is_active=True).values_list("email", flat=True)
    )
    return [
        Suggestion(handle=_handle(person), name=person.display_name or _handle(person))
        for person in candidates
        if shared[_handle(person)] == 1
    ][:limit]
