"""Words as the index sees them: one normalisation for indexing, queries and highlighting.

Both backends are fed text that is already lowercased, stripped of accents and cut into words
here, so "Café", "cafe" and "CAFE" are the same word on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from afterclass.core.errors import InvalidInput

MAX_QUERY_LENGTH = 1000
# A backend's compiled query: an SQL fragment and its parameters.
type CompiledQuery = tuple[str, tuple[str, ...]]
WORD = re.compile(r"[^\W_]+")
QUOTED = re.compile(r'"([^"]*)"?')

# Words too common to narrow a search. They stay in the index (so phrases keep them) but a
# query made only of them gets a hint instead of every document.
STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    }
)


def fold(word: str) -> str:
    """Lowercase, without accents: "Élan" -> "elan"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return [fold(match) for match in WORD.findall(text)]


def index_text(text: str) -> str:
    """The text a backend indexes: folded words separated by spaces."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Term:
    """One thing a document must contain: a word, a word's beginning, or a phrase."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    # Why there is nothing to search for, written for the person who typed it.
    hint: str | None = None

    @property
    def words(self) -> set[str]:
        return {word for term in self.terms for word in term.words}

    @property
    def prefixes(self) -> set[str]:
        return {term.words[-1] for term in self.terms if term.prefix}


EMPTY_HINT = "Type a word or two to search for."
NOTHING_TO_FIND_HINT = (
    "Those words are too common to search for. Add a more specific word, such as a topic or a name."
)


def parse_query(raw: str) -> ParsedQuery:
    """Split a query into terms: "quoted phrases", word* prefixes and plain words.

    Refuses a query over the length limit; a query with nothing searchable in it (empty,
    punctuation only, or only common words) comes back with a hint rather than an error.
    """
    if len(raw) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"A search can be at most {MAX_QUERY_LENGTH} characters. Try fewer words.", field="q"
        )
    if not raw.strip():
        return ParsedQuery((), hint=EMPTY_HINT)
    terms: list[Term] = []
    for phrase in QUOTED.findall(raw):
        found = tuple(words(phrase))
        if len(found) > 1 or (found and found[0] not in STOP_WORDS):
            terms.append(Term(found))
    rest = QUOTED.sub(" ", raw)
    for token in rest.split():
        prefix = token.endswith("*")
        pieces = words(token)
        for index, word in enumerate(pieces):
            is_prefix = prefix and index == len(pieces) - 1
            if word in STOP_WORDS and not is_prefix:
                continue
            terms.append(Term((word,), prefix=is_prefix))
    unique = tuple(dict.fromkeys(terms))
    if not unique:
        if WORD.search(raw) is None:
            return ParsedQuery(
                (), hint="Search for words or numbers; punctuation alone finds nothing."
            )
        return ParsedQuery((), hint=NOTHING_TO_FIND_HINT)
    return ParsedQuery(unique)
