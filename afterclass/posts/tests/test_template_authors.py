"""No template reads a post's or a comment's real author.

Pages are given posts and comments as the viewer sees them (posts.presentation.SeenPost,
SeenComment), whose author is `shown_author`: None for an anonymous asker. A template that wrote
`post.author`, `comment.author_id` or `reply.author.display_name` would read nothing from those
(and mypy cannot see templates), but would name the asker the day a model reached it again; so
no template spells the model's `author` at all, except the two below, which are no post or
comment."""

import re
from pathlib import Path

import pytest

import afterclass

ROOT = Path(afterclass.__file__).parent

# `name.author` or `name.author_id`, in a variable, a filter argument or a tag argument.
READS_AUTHOR = re.compile(r"[\w.]*\w\.author(?:_id)?\b")

ALLOWED = {
    # The search page's "by this person" filter field (a form, not a person).
    ("search/templates/search/search.html", "form.author"),
    # A search document stores an author only when it is shown by name (search/documents.py:
    # None for an anonymous question and its asker's comments).
    ("search/templates/search/_hit.html", "hit.document.author_id"),
}


def _templates() -> list[Path]:
    return sorted(ROOT.glob("**/templates/**/*.html"))


def author_reads(text: str) -> list[str]:
    return READS_AUTHOR.findall(text)


@pytest.mark.parametrize(
    "snippet",
    [
        "{{ post.author }}",
        "{{ post.author.display_name }}",
        "{% author comment.author %}",
        "{% if reply.author_id == user.pk %}",
        "{{ lead.target_post.author|default:'' }}",
        "{% include 'x.html' with who=post.author %}",
    ],
)
def test_author_reads_finds_a_real_author(snippet):
    assert author_reads(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "{% author post.shown_author %}",
        "{% author comment.shown_author %}",
        "{{ hit.author_name }}",
        '<span class="author">',
        "{% load posts %}{% author who %}",
    ],
)
def test_author_reads_lets_the_shown_author_through(snippet):
    assert not author_reads(snippet), snippet


def test_templates_never_read_a_posts_or_comments_real_author():
    templates = _templates()
    assert len(templates) > 50  # the glob found the apps' templates
    found = [
        f"{path.relative_to(ROOT)}: {read}"
        for path in templates
        for read in author_reads(path.read_text(encoding="utf-8"))
        if (str(path.relative_to(ROOT)), read) not in ALLOWED
    ]
    assert not found, "templates must show `shown_author` (posts.presentation), not:\n" + "\n".join(
        found
    )
