"""#hashtags: finding them in what people write, linking them in rendered posts, keeping a
post's tags and listing the posts of a tag; and the walk over the text of sanitised HTML that
mentions share.

A hashtag is `#` and 2 to 50 letters, digits, `_` or `-` with at least one letter, not glued
to a word (`C#dev`, `page#top` and `/#anchor` are not hashtags), compared without case and
stored lowercase. In a post's HTML, code, preformatted text and links are left as written.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.html import escape, format_html

from afterclass.core.pagination import paginate
from afterclass.posts.models import Hashtag, Post, PostHashtag
from afterclass.posts.queries import NEWEST_ORDER, FeedPage, _listable, present_page
from afterclass.spaces.access import is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

MIN_LENGTH = 2
MAX_LENGTH = 50
MAX_PER_TEXT = 30  # more is noise, and each costs rows

# `#`, not after a word character, `&`, `#` or `/` (entities, URL fragments, repeated marks);
# the tag runs over word characters and inner hyphens.
HASHTAG = re.compile(r"(?<![\w&#/])#(\w(?:[\w-]*\w)?)(?!\w)")

# The sanitiser's output is well formed: attributes are double-quoted with `"` escaped, and text
# has `<` and `&` escaped, so a tag is `<` up to the first `>` outside quotes.
_TAG = re.compile(r'<(/?)([a-zA-Z0-9]+)(?:[^>"]|"[^"]*")*>')
_LEFT_ALONE = frozenset({"a", "code", "pre"})


def normalise_tag(raw: str) -> str | None:
    """The stored form of a tag (without `#`), or None when it is not a valid hashtag."""
    tag = unicodedata.normalize("NFC", raw.removeprefix("#")).lower()
    if not MIN_LENGTH <= len(tag) <= MAX_LENGTH:
        return None
    if not any(char.isalpha() for char in tag):
        return None
    if HASHTAG.fullmatch(f"#{tag}") is None:
        return None
    return tag


def parse_hashtags(text: str) -> list[str]:
    """The distinct hashtags of plain text (a title), lowercase, in the order written."""
    found: list[str] = []
    for match in HASHTAG.finditer(text or ""):
        tag = normalise_tag(match.group(1))
        if tag is not None and tag not in found:
            found.append(tag)
    return found[:MAX_PER_TEXT]


def replace_in_text(
    safe_html: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str | None]
) -> str:
    """Replace matches of `pattern` in the text of sanitised HTML, never inside a link, code or
    preformatted text, nor in tags or attributes.

    `replace` gets each match of the unescaped text and returns the HTML to put in its place
    (built with format_html), or None to leave the text as it was. All other text is escaped
    again, so the result is as safe as the input.
    """
    out: list[str] = []
    depth = 0  # how many <a>, <code> or <pre> we are inside
    position = 0
    for tag in _TAG.finditer(safe_html):
        out.append(_replace_text(safe_html[position : tag.start()], pattern, replace, depth))
        out.append(tag.group(0))
        name = tag.group(2).lower()
        if name in _LEFT_ALONE:
            depth += -1 if tag.group(1) else 1
            depth = max(depth, 0)
        position = tag.end()
    out.append(_replace_text(safe_html[position:], pattern, replace, depth))
    return "".join(out)


def _replace_text(
    text: str,
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str | None],
    depth: int,
) -> str:
    if depth or not text:
        return text
    plain = html.unescape(text)
    pieces: list[str] = []
    position = 0
    changed = False
    for match in pattern.finditer(plain):
        link = replace(match)
        if link is None:
            continue
        pieces.append(escape(plain[position : match.start()]))
        pieces.append(link)
        position = match.end()
        changed = True
    if not changed:
        return text
    pieces.append(escape(plain[position:]))
    return "".join(pieces)


def link_hashtags(safe_html: str) -> tuple[str, list[str]]:
    """Link each hashtag of sanitised HTML to its page; returns the HTML and the tags linked."""
    found: list[str] = []

    def link(match: re.Match[str]) -> str | None:
        tag = normalise_tag(match.group(1))
        if tag is None:
            return None
        if tag not in found:
            found.append(tag)
        url = reverse("hashtag", args=[tag])
        return format_html('<a class="hashtag" href="{}">{}</a>', url, match.group(0))

    return replace_in_text(safe_html, HASHTAG, link), found[:MAX_PER_TEXT]


def save_post_hashtags(post: Post, tags: Iterable[str], *, new: bool = False) -> None:
    """Make `tags` the post's hashtags, replacing those it had (none when `new`). Called by
    posts.actions inside the transaction that writes the post."""
    names = list(dict.fromkeys(tags))[:MAX_PER_TEXT]
    wanted: set[int] = set()
    if names:
        Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
        wanted = set(Hashtag.objects.filter(name__in=names).values_list("pk", flat=True))
    if not new:
        PostHashtag.objects.filter(post=post).exclude(tag_id__in=wanted).delete()
    PostHashtag.objects.bulk_create(
        [PostHashtag(post=post, tag_id=pk) for pk in sorted(wanted)], ignore_conflicts=True
    )


def hashtag_feed(
    tag: str,
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
    conversation: bool = True,
) -> FeedPage:
    """Posts carrying a hashtag, newest first, from the spaces whose posts the viewer may see
    (the feeds' rule, in the query): a tag used only where they cannot look shows nothing."""
    if not is_signed_in(viewer):
        return FeedPage(items=[], next=None)
    posts = Post.objects.filter(_listable(viewer), post_hashtags__tag__name=tag).for_list()
    return present_page(
        paginate(posts, order=NEWEST_ORDER, cursor=cursor, limit=limit),
        viewer,
        conversation=conversation,
    )
