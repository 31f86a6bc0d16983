"""The PostgreSQL backend: a stored tsvector (title weighted A, body B) with a GIN index,
matched with @@ and ranked with ts_rank.

Text arrives already folded (lowercase, no accents) from `afterclass.search.text`, so the
'simple' configuration is enough and no extension is needed. Queries are compiled from the
same parsed terms as on SQLite, which keeps both backends answering alike: words and "phrases"
go to websearch_to_tsquery (each quoted, so a word such as "or" stays a word), and word*
prefixes, which websearch_to_tsquery has no syntax for, to to_tsquery with `:*`.
"""

from __future__ import annotations

from afterclass.search.text import CompiledQuery, ParsedQuery, Term

# No foreign key to the documents: Django empties tables with TRUNCATE between transactional
# tests (and `flush`), which PostgreSQL refuses on a referenced table. Triggers keep the two in
# step instead, as on SQLite: a document's row goes with it, and emptying the documents empties
# this table too.
CREATE = [
    "CREATE TABLE search_fts (rowid bigint PRIMARY KEY, vector tsvector NOT NULL)",
    "CREATE INDEX search_fts_vector ON search_fts USING GIN (vector)",
    "CREATE FUNCTION search_fts_forget() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM search_fts WHERE rowid = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER search_document_deleted AFTER DELETE ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_fts_forget()",
    "CREATE FUNCTION search_fts_empty() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE search_fts; RETURN NULL; END $$",
    "CREATE TRIGGER search_documents_emptied AFTER TRUNCATE ON search_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_fts_empty()",
]
DROP = [
    "DROP TRIGGER IF EXISTS search_documents_emptied ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_document_deleted ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_fts_empty()",
    "DROP FUNCTION IF EXISTS search_fts_forget()",
    "DROP TABLE IF EXISTS search_fts",
]

UPSERT_SQL = (
    "INSERT INTO search_fts (rowid, vector) VALUES "
    "(%s, setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')) "
    "ON CONFLICT (rowid) DO UPDATE SET vector = EXCLUDED.vector"
)
# Taken first by every transaction that writes a post's documents, held until it ends (see
# index._lock_thread): the two-key form, the first naming the search index's threads.
THREAD_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, %s)"
THREAD_LOCK_CLASS = 0x5EA2C4
CLEAR_SQL = "DELETE FROM search_fts"
# Fresh statistics after a rebuild: without them the planner starts from the permission filter
# instead of the GIN index (seconds instead of milliseconds at 200,000 posts).
AFTER_REBUILD_SQL = ["ANALYZE search_searchdocument", "ANALYZE search_fts"]


def _prefix_term(term: Term) -> str:
    # Words hold letters and digits only (see text.WORD), so quoting them is always safe.
    lexemes = [f"'{word}'" for word in term.words]
    lexemes[-1] += ":*"
    joined = " <-> ".join(lexemes)
    return f"({joined})" if term.is_phrase else joined


def compile_query(query: ParsedQuery, *, any_term: bool = False) -> CompiledQuery:
    """The tsquery as SQL with its parameters: every term, or any term for `any_term`."""
    plain = [term for term in query.terms if not term.prefix]
    prefixes = [term for term in query.terms if term.prefix]
    parts: list[str] = []
    params: list[str] = []
    if plain:
        parts.append("websearch_to_tsquery('simple', %s)")
        quoted = ['"' + " ".join(term.words) + '"' for term in plain]
        params.append((" or " if any_term else " ").join(quoted))
    if prefixes:
        parts.append("to_tsquery('simple', %s)")
        params.append((" | " if any_term else " & ").join(map(_prefix_term, prefixes)))
    return "(" + (" || " if any_term else " && ").join(parts) + ")", tuple(params)


def match_sql(query: CompiledQuery) -> CompiledQuery:
    sql, params = query
    return f'"search_fts"."vector" @@ {sql}', params


def rank_sql(query: CompiledQuery) -> CompiledQuery:
    sql, params = query
    return f'ts_rank("search_fts"."vector", {sql})', params
