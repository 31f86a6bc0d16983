"""Result snippets: a window of text around the first match, matched words marked.

Every piece of text is escaped before it is wrapped in <mark>, so whatever a person wrote is
shown as text, never as markup.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from afterclass.search.text import WORD, ParsedQuery, fold

SNIPPET_WORDS = 30


def _matches(word: str, query: ParsedQuery) -> bool:
    folded = fold(word)
    if folded in query.words:
        return True
    return any(folded.startswith(prefix) for prefix in query.prefixes)


def highlight(text: str, query: ParsedQuery, *, window: int | None = None) -> SafeString:
    """`text` escaped, its matched words in <mark>; cut to `window` words around the first
    match (with "…" where cut) when a window is given."""
    spans = [match.span() for match in WORD.finditer(text)]
    hits = [index for index, (start, end) in enumerate(spans) if _matches(text[start:end], query)]
    start_char, end_char = 0, len(text)
    if window is not None and len(spans) > window:
        first = hits[0] if hits else 0
        low = max(0, first - window // 3)
        high = min(len(spans), low + window)
        start_char = spans[low][0] if low > 0 else 0
        end_char = spans[high - 1][1] if high < len(spans) else len(text)
    hit_spans = [spans[index] for index in hits]
    pieces: list[str] = ["…" if start_char > 0 else ""]
    cursor = start_char
    for start, end in hit_spans:
        if start < start_char or end > end_char:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(escape(text[cursor:end_char]))
    if end_char < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above
