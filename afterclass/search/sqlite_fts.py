"""The SQLite backend: an FTS5 virtual table, matched with MATCH and ranked with bm25()."""

from __future__ import annotations

from afterclass.search.text import CompiledQuery, ParsedQuery, Term

# The migration makes the table; the trigger keeps it in step with deleted documents.
CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "CREATE TRIGGER search_document_deleted AFTER DELETE ON search_searchdocument "
    "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END",
]
DROP = ["DROP TRIGGER IF EXISTS search_document_deleted", "DROP TABLE IF EXISTS search_fts"]

# FTS5 has no ON CONFLICT clause, but honours OR REPLACE on its rowid.
UPSERT_SQL = "INSERT OR REPLACE INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)"
# Transactions are IMMEDIATE (see settings): one writer at a time already, no lock to take.
THREAD_LOCK_SQL = None
THREAD_LOCK_CLASS = 0
CLEAR_SQL = "DELETE FROM search_fts"
# FTS5 drives the query whatever the statistics say: nothing to refresh.
AFTER_REBUILD_SQL: list[str] = []


def _term(term: Term) -> str:
    # Words hold letters and digits only (see text.WORD), so quoting them is always safe.
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + "*" if term.prefix else quoted


def compile_query(query: ParsedQuery, *, any_term: bool = False) -> CompiledQuery:
    """An FTS5 query string holding every term, or any term for `any_term`."""
    return "%s", ((" OR " if any_term else " AND ").join(_term(term) for term in query.terms),)


def match_sql(query: CompiledQuery) -> CompiledQuery:
    sql, params = query
    return f'"search_fts" MATCH {sql}', params


def rank_sql(query: CompiledQuery) -> CompiledQuery:
    # bm25() reads the match of the same row. A word in the title counts ten times one in the body.
    return '(-bm25("search_fts", 10.0, 1.0))', ()
