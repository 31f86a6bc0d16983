"""How a post is named and shown wherever it appears: pages, page titles, notices and the API.

One place knows that a removed post keeps no words for anyone: its title and text are gone from
every surface (its comments stay), and it is named only by its kind."""

from __future__ import annotations

from afterclass.core.markdown import markdown_text
from afterclass.posts.models import Post, PostKind

HEADLINE_LENGTH = 80
HEADLINE_SOURCE = 400  # characters of Markdown read for an 80-character headline


def shown_title(post: Post) -> str:
    """The post's title as people may read it: empty once the post is removed."""
    return "" if post.is_removed else post.title


def shown_body(post: Post) -> str:
    """The post's Markdown text as people may read it: empty once the post is removed."""
    return "" if post.is_removed else post.body


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def headline(post: Post, *, length: int | None = None) -> str:
    """What a page title, a list or a notice calls a post: its title, or the start of its text
    (updates have no title), or its kind; only its kind once it is removed. `length` cuts even
    a title (notices); pages show a title whole."""
    # The text's words, not its Markdown (a page title must not read "**Tip:** [link](…)");
    # only its start is parsed, which is all a headline shows.
    text = shown_title(post) or _cut(
        markdown_text(shown_body(post)[:HEADLINE_SOURCE]), HEADLINE_LENGTH
    )
    text = text or str(PostKind(post.kind).label)
    return _cut(text, length) if length is not None else text
