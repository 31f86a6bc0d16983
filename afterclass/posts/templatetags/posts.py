"""Template helpers for post pages: the reaction buttons and a post's short name."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from afterclass.posts import presentation
from afterclass.posts.models import Comment, Post, PostKind, ReactionKind

register = template.Library()


@dataclass(frozen=True)
class ReactionButton:
    kind: str
    label: str
    on: bool


@register.filter
def reaction_buttons(target: Post | Comment) -> list[ReactionButton]:
    """One toggle per reaction kind, pressed when the viewer has reacted so (from `present` or
    `post_thread`)."""
    mine: set[str] = getattr(target, "my_reactions", set())
    return [ReactionButton(str(kind), str(kind.label), kind in mine) for kind in ReactionKind]


@register.filter
def kind_label(kind: str) -> str:
    return str(PostKind(kind).label) if kind in PostKind.values else kind


@register.filter
def headline(post: Post) -> str:
    """What a page calls a post (see posts.presentation: a removed post only by its kind)."""
    return presentation.headline(post)
