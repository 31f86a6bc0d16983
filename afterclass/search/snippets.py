"""Result snippets: a window of text around the first match, matched words marked.

The API returns the plain text with the matched ranges; pages get it as HTML in which every
piece of text is escaped before it is wrapped in <mark>, so whatever a person wrote is shown as
text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from afterclass.search.text import WORD, ParsedQuery, fold

SNIPPET_WORDS = 30


def _matches(word: str, query: ParsedQuery) -> bool:
    folded = fold(word)
    if folded in query.words:
        return True
    return any(folded.startswith(prefix) for prefix in query.prefixes)


@dataclass(frozen=True)
class Marked:
    """Plain text with the ranges of its matched words: what the API returns (the client marks
    them as it likes) and what pages render as escaped HTML with <mark>."""

    text: str
    # (start, end) offsets in `text`, in Unicode code points, end exclusive, in order.
    marks: tuple[tuple[int, int], ...]

    @property
    def html(self) -> SafeString:
        pieces: list[str] = []
        cursor = 0
        for start, end in self.marks:
            pieces.append(escape(self.text[cursor:start]))
            pieces.append(f"<mark>{escape(self.text[start:end])}</mark>")
            cursor = end
        pieces.append(escape(self.text[cursor:]))
        return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def mark_matches(text: str, query: ParsedQuery, *, window: int | None = None) -> Marked:
    """`text` with its matched words' ranges; cut to `window` words around the first match
    (with "…" where cut) when a window is given."""
    spans = [match.span() for match in WORD.finditer(text)]
    hits = [index for index, (start, end) in enumerate(spans) if _matches(text[start:end], query)]
    start_char, end_char = 0, len(text)
    if window is not None and len(spans) > window:
        first = hits[0] if hits else 0
        low = max(0, first - window // 3)
        high = min(len(spans), low + window)
        start_char = spans[low][0] if low > 0 else 0
        end_char = spans[high - 1][1] if high < len(spans) else len(text)
    prefix = "…" if start_char > 0 else ""
    shift = len(prefix) - start_char
    marks = tuple(
        (start + shift, end + shift)
        for start, end in (spans[index] for index in hits)
        if start >= start_char and end <= end_char
    )
    suffix = "…" if end_char < len(text) else ""
    return Marked(prefix + text[start_char:end_char] + suffix, marks)


def highlight(text: str, query: ParsedQuery, *, window: int | None = None) -> SafeString:
    """`text` escaped, its matched words in <mark> (see `mark_matches`)."""
    return mark_matches(text, query, window=window).html
