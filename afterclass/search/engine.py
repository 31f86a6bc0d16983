"""The search itself: matching, permission filtering and ranking in one query per page, then
snippets for the page. Used by the search pages, the API, similar questions and the people
directory.

A search ranks a bounded set of candidates, never every match: the newest `CANDIDATES`
documents that match and that the viewer may find (all of them when there are fewer). A common
word is in a third of the index, and ranking all of its matches grows with the index (8 s at
200,000 posts); the newest matches are the index's own order (the full-text entry's rowid, the
document's id), so finding them reads that many entries and stops. Pages go on through the
candidates with a keyset cursor and end with them; `SearchResults.capped` says when more, older
documents match."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BigIntegerField,
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Lookup,
    Value,
    When,
)
from django.db.models.functions import Least
from django.urls import reverse
from django.utils.safestring import SafeString

from afterclass.core.pagination import DEFAULT_LIMIT, Page, paginate
from afterclass.people.models import Person
from afterclass.search.access import documents_visible_to
from afterclass.search.index import backend
from afterclass.search.models import Kind, SearchDocument, Source
from afterclass.search.snippets import SNIPPET_WORDS, Marked, mark_matches
from afterclass.search.text import CompiledQuery, ParsedQuery, parse_query
from afterclass.spaces.access import is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import QuerySet
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from afterclass.spaces.models import Space

ANONYMOUS_AUTHOR = "A colleague"
# One result's label (Kind's own labels are plural, for the filter).
KIND_LABELS = {
    "discussion": "Discussion",
    "question": "Question",
    "update": "Update",
    "image": "Image post",
    "resource": "Resource",
    "announcement": "Announcement",
    "poll": "Poll",
    "answer": "Answer",
    "comment": "Comment",
    "file": "File",
    "person": "Person",
    "space": "Space",
    "activity": "Learning activity",
}
SIMILAR_LIMIT = 5
# How many of the newest matches a search ranks (see the module docstring): fifty pages of 20.
CANDIDATES = 1000
# The full-text entry's rowid (the document's id) on both backends, as the backends' SQL names
# it (see sqlite_fts.match_sql).
ENTRY_ROWID = '"search_fts"."rowid"'

# Lookup is generic only in django-stubs: nothing subscripts it at run time.
if TYPE_CHECKING:
    BoolLookup = Lookup[bool]
else:
    BoolLookup = Lookup


class Matches(BoolLookup):
    """Whether the document's full-text entry matches the compiled query (a WHERE clause)."""

    lookup_name = "search_matches"
    prepare_rhs = False

    def __init__(self, query: CompiledQuery) -> None:
        super().__init__(Value(True), query)

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _AsSqlType:
        sql, params = backend().match_sql(self.rhs)
        return sql, params


class Relevance(Expression):
    """The backend's relevance of the document to the compiled query (higher is better)."""

    def __init__(self, query: CompiledQuery) -> None:
        super().__init__(output_field=FloatField())
        self.query = query

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _AsSqlType:
        sql, params = backend().rank_sql(self.query)
        return sql, params

    def get_group_by_cols(self) -> list[Any]:
        return [self]


class EntryRowid(Expression):
    """The rowid of the document's full-text entry: its id, in the index's own order. Named on
    the entry's table, never the document's: SQLite hands FTS5 an order or a bound on it, and
    FTS5 reads only that part of the match list; on the document's id, SQLite would look each
    document up in the full-text index one by one."""

    def __init__(self) -> None:
        super().__init__(output_field=BigIntegerField())

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _AsSqlType:
        return ENTRY_ROWID, ()


class AmongCandidates(BoolLookup):
    """Whether the document's entry is no older than the oldest candidate (a WHERE clause): a
    subquery the database runs once, NULL (then every match is one) when fewer match. A lookup,
    so that SQLite gets the comparison itself and hands FTS5 the bound, not `(…) = 1`.

    The subquery is compiled as it stands, not as Django's subqueries are (their tables
    renamed): it names the same tables as the outer query, and inside it they are its own."""

    lookup_name = "search_candidate"
    prepare_rhs = False

    def __init__(self, oldest: QuerySet[Any]) -> None:
        sql, params = oldest.query.sql_with_params()
        super().__init__(Value(True), (sql, tuple(params)))

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _AsSqlType:
        sql, params = self.rhs
        bound = f"{ENTRY_ROWID} >= COALESCE(({sql}), 0)"
        if connection.vendor != "postgresql":
            return bound, params
        # PostgreSQL does not carry the bound across the join to the documents: without it
        # there, it reads every document the viewer may find (a sequential scan of the table,
        # 240 ms at 750k documents) to join the few hundred candidates.
        documents = f'"{SearchDocument._meta.db_table}"."id" >= COALESCE(({sql}), 0)'
        return f"{bound} AND {documents}", (*params, *params)


# An accepted answer (or a question with one) counts half again; each "helped me" a tenth,
# up to ten of them.
BOOST = ExpressionWrapper(
    Value(1.0)
    + Case(When(is_accepted=True, then=Value(0.5)), default=Value(0.0))
    + Least(F("helped_count"), Value(10)) * Value(0.1),
    output_field=FloatField(),
)


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    space: Space | None = None
    kinds: tuple[str, ...] = ()
    author: int | None = None
    after: date | None = None
    before: date | None = None
    answered: bool | None = None
    has_files: bool = False


@dataclass(frozen=True)
class Hit:
    document: SearchDocument
    marked_title: Marked
    marked_snippet: Marked
    url: str
    author_name: str | None

    @property
    def title(self) -> SafeString:
        """Escaped HTML, matched words in <mark>: for pages."""
        return self.marked_title.html

    @property
    def snippet(self) -> SafeString:
        return self.marked_snippet.html

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.document.kind, "")


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    next: str | None
    hint: str | None = None
    # The last page of the candidates, when older documents match too (see the module
    # docstring): the page says so, and how to narrow the search.
    capped: bool = False


def _matching(
    viewer: Person | AnonymousUser | None, query: ParsedQuery, *, any_term: bool = False
) -> Any:
    compiled = backend().compile_query(query, any_term=any_term)
    return (
        SearchDocument.objects.filter(documents_visible_to(viewer))
        .filter(entry__isnull=False)
        .filter(Matches(compiled))
        .annotate(score=ExpressionWrapper(Relevance(compiled) * BOOST, output_field=FloatField()))
    )


def _oldest_candidate(documents: Any) -> Any:
    """The rowid of the oldest candidate among `documents` (the `CANDIDATES`-th newest), as a
    one-row query; none when fewer match. Read from the newest entry down, each checked for
    permission and filters, no relevance computed."""
    return (
        documents.annotate(rowid=EntryRowid())
        .order_by("-rowid")
        .values_list("rowid", flat=True)[CANDIDATES - 1 : CANDIDATES]
    )


def _candidates(documents: Any) -> Any:
    """`documents` (matching, visible, filtered) limited to the candidates, in the same query:
    relevance is computed above the oldest candidate only."""
    return documents.filter(AmongCandidates(_oldest_candidate(documents)))


def _filtered(documents: Any, filters: SearchFilters) -> Any:
    if filters.space is not None:
        documents = documents.filter(space=filters.space)
    if filters.kinds:
        documents = documents.filter(kind__in=filters.kinds)
    if filters.author is not None:
        documents = documents.filter(author_id=filters.author)
    if filters.after is not None:
        documents = documents.filter(created_at__date__gte=filters.after)
    if filters.before is not None:
        documents = documents.filter(created_at__date__lte=filters.before)
    if filters.answered is not None:
        documents = documents.filter(kind=Kind.QUESTION, is_answered=filters.answered)
    if filters.has_files:
        documents = documents.filter(has_files=True)
    return documents


def url_of(document: SearchDocument) -> str:
    if document.source == Source.PERSON:
        return reverse("person-profile", args=[document.object_id])
    if document.source == Source.SPACE:
        return reverse("space-home", args=[document.space.slug]) if document.space else ""
    if document.source == Source.ACTIVITY:
        return reverse("learning-activity", args=[document.object_id])
    # A file of a learning session or activity is shown on its page.
    if document.session_id is not None:
        return reverse("learning-session", args=[document.session_id])
    if document.activity_id is not None:
        return reverse("learning-activity", args=[document.activity_id])
    url = reverse("post-detail", args=[document.post_id])
    if document.source == Source.COMMENT:
        url += f"#comment-{document.object_id}"
    return url


def author_name_of(document: SearchDocument) -> str | None:
    if document.source not in (Source.POST, Source.COMMENT, Source.FILE):
        return None
    if document.author is None:
        return ANONYMOUS_AUTHOR
    return document.author.display_name


def hit_of(document: SearchDocument, query: ParsedQuery) -> Hit:
    title = document.title or (document.body[:80] if document.body else "")
    return Hit(
        document=document,
        marked_title=mark_matches(title, query),
        marked_snippet=mark_matches(document.body, query, window=SNIPPET_WORDS),
        url=url_of(document),
        author_name=author_name_of(document),
    )


def search(
    viewer: Person | AnonymousUser | None,
    filters: SearchFilters,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> SearchResults:
    """The documents matching `filters.q` that the viewer may find, best first, one keyset page
    at a time. A query with nothing to search for comes back empty with a hint."""
    query = parse_query(filters.q)
    if query.hint or not is_signed_in(viewer):
        return SearchResults(hits=[], next=None, hint=query.hint)
    # Rank and page on the narrow columns only, then load the page's rows: sorting the
    # candidates with their bodies and joined rows would cost far more.
    documents = _filtered(_matching(viewer, query), filters)
    page: Page[SearchDocument] = paginate(
        _candidates(documents).only("id", "created_at"),
        order=["-score", "-created_at", "-id"],
        cursor=cursor,
        limit=limit,
    )
    # Only the last of many pages asks whether older documents match too.
    capped = cursor is not None and page.next is None and _oldest_candidate(documents).exists()
    return SearchResults(
        hits=_hits([item.pk for item in page.items], query), next=page.next, capped=capped
    )


def _hits(ids: list[int], query: ParsedQuery) -> list[Hit]:
    if not ids:
        return []
    rows = SearchDocument.objects.select_related("author", "space").in_bulk(ids)
    return [hit_of(rows[pk], query) for pk in ids if pk in rows]


def similar_questions(
    viewer: Person | AnonymousUser | None, title: str, *, limit: int = SIMILAR_LIMIT
) -> list[Hit]:
    """Questions the viewer can see that share words with `title`: answered ones first, then
    the closest. A title with nothing searchable in it suggests nothing."""
    query = parse_query(title[:300])
    if query.hint or not is_signed_in(viewer):
        return []
    ids = (
        _candidates(_matching(viewer, query, any_term=True).filter(kind=Kind.QUESTION))
        .order_by("-is_answered", "-score", "-created_at", "-id")
        .values_list("id", flat=True)[:limit]
    )
    return _hits(list(ids), query)


def as_typed(q: str) -> str:
    """A query being typed: its last word is read as the beginning of a word too ("Ami" finds
    Amira), unless it already ends a word (a space, a quote or a star after it)."""
    if q and q[-1].isalnum():
        return q + "*"
    return q


def search_people(
    viewer: Person | AnonymousUser | None,
    q: str,
    *,
    within: QuerySet[Person] | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Person]:
    """People whose name, job title, department, interests or bio match `q` as it is typed,
    best first and then in name order: the people directory's search, on the same engine.
    `within` is the people the directory's other filters leave; it narrows the same query."""
    query = parse_query(as_typed(q))
    if query.hint or not is_signed_in(viewer):
        return Page(items=[], next=None)
    documents = _matching(viewer, query).filter(source=Source.PERSON)
    if within is not None:
        documents = documents.filter(object_id__in=within.values("pk"))
    page: Page[SearchDocument] = paginate(
        documents.only("id", "object_id", "title"),
        order=["-score", "title", "id"],
        cursor=cursor,
        limit=limit,
    )
    ids = [document.object_id for document in page.items]
    people = Person.objects.for_list().in_bulk(ids)
    return Page(items=[people[pk] for pk in ids if pk in people], next=page.next)
