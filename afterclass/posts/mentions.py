"""@mentions, and the rendering of what people write into safe HTML with its links.

People have no user name: a mention is `@` and the local part of their e-mail address
(`@zara.byrne` for zara.byrne@example.org), not glued to a word (an e-mail address is not a
mention). It becomes a link to their profile, and is recorded, only when it names exactly one
active person who can see the space (an active member or an organisation admin). Anyone else
stays plain text: nothing is linked or recorded that could later tell them about the space.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import nh3
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from afterclass.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from afterclass.people.models import Person
from afterclass.posts.hashtags import link_hashtags, replace_in_text
from afterclass.posts.models import Mention
from afterclass.spaces.models import Membership

if TYPE_CHECKING:
    from afterclass.posts.models import Comment, Post
    from afterclass.spaces.models import Space

MAX_PER_TEXT = 30
MAX_HANDLE_LENGTH = 64  # the longest local part an e-mail address may have

# `@`, not after a word character or anything that makes it part of an address, a path or an
# entity; the handle is dot-separated runs (a trailing full stop ends the sentence, not the name).
MENTION = re.compile(
    r"(?<![\w@./:+=&#-])@([a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*)(?![\w@])", re.IGNORECASE | re.ASCII
)
# Nor may it touch letters beyond ASCII (`@zoë` is not `@zo`, `zoë@x` is no mention).
_UNICODE_WORD = re.compile(r"\w")


def parse_handles(text: str) -> list[str]:
    """The distinct handles mentioned in plain text, lowercase, in the order written."""
    found: list[str] = []
    for match in MENTION.finditer(text or ""):
        handle = _handle(match, text)
        if handle is not None and handle not in found:
            found.append(handle)
    return found[:MAX_PER_TEXT]


def _handle(match: re.Match[str], text: str) -> str | None:
    handle = match.group(1).lower()
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end() : match.end() + 1]
    if len(handle) > MAX_HANDLE_LENGTH or any(_UNICODE_WORD.match(c) for c in (before, after)):
        return None
    return handle


def people_to_mention(handles: Iterable[str], space: Space) -> dict[str, Person]:
    """The handles that name exactly one active person who can see the space (one query)."""
    handles = list(dict.fromkeys(handles))[:MAX_PER_TEXT]
    if not handles:
        return {}
    named = Q()
    for handle in handles:
        named |= Q(email__startswith=f"{handle}@")
    member = Membership.objects.active_in(space, OuterRef("pk"))
    sees_space = ExpressionWrapper(
        Q(is_org_admin=True) | Q(Exists(member)), output_field=BooleanField()
    )
    by_handle: dict[str, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(named, is_active=True).annotate(sees_space=sees_space):
        by_handle[person.email.rsplit("@", 1)[0]].append(person)
    # Two people sharing a local part (different domains) are not guessed between.
    return {
        handle: people[0]
        for handle, people in by_handle.items()
        if len(people) == 1 and people[0].sees_space  # type: ignore[attr-defined]
    }


def link_mentions(safe_html: str, space: Space) -> tuple[str, list[Person]]:
    """Link the mentions in sanitised HTML of people who can see the space; returns the HTML
    and those people. Other mentions stay as written."""
    handles: list[str] = []

    def collect(match: re.Match[str]) -> None:
        handle = _handle(match, match.string)
        if handle is not None and handle not in handles:
            handles.append(handle)

    replace_in_text(safe_html, MENTION, collect)
    people = people_to_mention(handles, space)
    if not people:
        return safe_html, []
    linked: list[Person] = []

    def link(match: re.Match[str]) -> str | None:
        handle = _handle(match, match.string)
        person = people.get(handle) if handle is not None else None
        if person is None:
            return None
        if person not in linked:
            linked.append(person)
        url = reverse("person-profile", args=[person.pk])
        return format_html('<a class="mention" href="{}">{}</a>', url, match.group(0))

    return replace_in_text(safe_html, MENTION, link), linked


@dataclass(frozen=True)
class RenderedText:
    html: SafeString
    hashtags: list[str]
    mentioned: list[Person]


def render_text(text: str, space: Space) -> RenderedText:
    """Markdown to sanitised HTML with its #hashtags and @mentions linked, for a post or a
    comment in `space`. The links are made on the sanitised HTML and the result is sanitised
    again, with only our two link classes allowed on top of the usual allow-list."""
    html, hashtags = link_hashtags(render_markdown(text))
    html, mentioned = link_mentions(html, space)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {"mention", "hashtag"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return RenderedText(html=mark_safe(clean), hashtags=hashtags, mentioned=mentioned)  # noqa: S308 - nh3 has just sanitised it


def save_mentions(
    people: Iterable[Person],
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    new: bool = False,
) -> list[Person]:
    """Make `people` the ones mentioned in a post or a comment, replacing earlier mentions
    (none when `new`); returns those newly mentioned (for notifications). Called by
    posts.actions inside the transaction that writes the text."""
    target = {"post": post} if post is not None else {"comment": comment}
    wanted = {person.pk: person for person in people}
    already: set[int] = set()
    if not new:
        existing = Mention.objects.filter(**target)
        existing.exclude(person_id__in=wanted).delete()
        already = set(existing.values_list("person_id", flat=True))
    added = [person for pk, person in wanted.items() if pk not in already]
    Mention.objects.bulk_create([Mention(person=person, **target) for person in added])
    return added
