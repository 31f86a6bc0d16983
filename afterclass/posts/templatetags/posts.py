"""Template helpers for post pages: the reaction buttons, a post's short name, and the pieces
every card repeats (author, time, excerpt) as Python rather than template includes: a feed
renders them twenty times a page."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from afterclass.core import fragments
from afterclass.posts import presentation
from afterclass.posts.models import PostKind, ReactionKind
from afterclass.posts.presentation import SeenComment, SeenPost

register = template.Library()


@dataclass(frozen=True)
class ReactionButton:
    kind: str
    label: str
    on: bool
    count: int = 0

    @property
    def icon(self) -> str:
        return REACTION_ICONS[self.kind]


# Each reaction kind's icon (afterclass.ui: `{% icon %}`).
REACTION_ICONS: dict[str, str] = {
    ReactionKind.LIKE.value: "heart",
    ReactionKind.HELPED.value: "helped",
    ReactionKind.CELEBRATE.value: "celebrate",
    ReactionKind.INSIGHTFUL.value: "insightful",
}


@register.filter
def reaction_buttons(target: SeenPost | SeenComment) -> list[ReactionButton]:
    """One toggle per reaction kind, pressed when the viewer has reacted so (from `present` or
    `post_thread`)."""
    mine = target.my_reactions
    return [ReactionButton(str(kind), str(kind.label), kind in mine) for kind in ReactionKind]


@register.filter
def reaction_tally(post: SeenPost) -> list[ReactionButton]:
    """A card's toggles: one per reaction kind, with how many chose it (`reaction_counts`)."""
    counts = dict(post.reaction_counts)
    mine = post.my_reactions
    return [
        ReactionButton(str(kind), str(kind.label), kind in mine, counts.get(kind, 0))
        for kind in ReactionKind
    ]


@register.filter
def reaction_icon(kind: str) -> str:
    return REACTION_ICONS.get(kind, "heart")


@register.filter
def reaction_label(kind: str) -> str:
    return str(ReactionKind(kind).label) if kind in ReactionKind.values else kind


@register.filter
def author_role(who: Any) -> str:
    """What a card says the author does: their job title, else their department (loaded with
    the post's author, posts.models.PostQuerySet.for_list); nothing for "a colleague"."""
    if who is None:
        return ""
    if who.job_title:
        return str(who.job_title)
    department = who._state.fields_cache.get("department") if who.department_id else None
    return str(department) if department is not None else ""


@register.filter
def kind_label(kind: str) -> str:
    return str(PostKind(kind).label) if kind in PostKind.values else kind


@register.filter
def headline(post: presentation.Nameable) -> str:
    """What a page calls a post (see posts.presentation: a removed post only by its kind)."""
    return presentation.headline(post)


@register.simple_tag(takes_context=True)
def author(context: template.Context, who: Any) -> SafeString:
    """A person's avatar (picture or initials) and linked name ("You" for the viewer), or
    "A colleague" for an anonymous asker (`who` is None): the byline of posts and comments."""
    if who is None:
        return mark_safe(
            '<span class="author"><span class="avatar small" aria-hidden="true">?</span>'
            "A colleague</span>"
        )
    if who.avatar:
        avatar = format_html('<img class="avatar small" src="{}" alt="">', who.avatar.url)
    else:
        avatar = format_html(
            '<span class="avatar small" aria-hidden="true">{}</span>', who.initials
        )
    viewer = context.get("user")
    name = "You" if viewer is not None and who.pk == viewer.pk else str(who)
    return format_html(
        '<span class="author">{}<a href="{}">{}</a></span>',
        avatar,
        reverse("person-profile", args=[who.pk]),
        name,
    )


@register.simple_tag(takes_context=True)
def time_ago(context: template.Context, moment: datetime) -> SafeString:
    """`<time datetime="…">3 days ago</time>`, in the current time zone; a marker inside a
    remembered fragment, worded at each request (afterclass.core.fragments)."""
    if context.get(fragments.IN_FRAGMENT) or fragments.times_are_deferred():
        return mark_safe(fragments.time_marker(moment))  # noqa: S308 - a marker, no text
    return fragments.time_ago(moment)


@functools.lru_cache(maxsize=4096)
def _excerpt(html: str, words: int) -> str:
    return Truncator(html).words(words, html=True, truncate=" …")


@register.filter
def excerpt(html: str, words: int = 40) -> SafeString:
    """The first `words` words of a post's sanitised HTML, its tags closed (Django's
    truncatewords_html), remembered per text: the same posts fill every member's feed."""
    return mark_safe(_excerpt(html, words))  # noqa: S308 - truncated sanitised HTML
