"""Query plans of what a page ran: capture its SQL, EXPLAIN each statement on SQLite or
PostgreSQL, and name the full scans of the tables that grow with an organisation.

What counts as a full scan (the same idea on both databases: rows read without a bound):

- a table read from end to end: SQLite `SCAN t` (no index), PostgreSQL `Seq Scan on t`, planned
  with `enable_seqscan = off` so that it remains only where no index can serve;
- an index read from end to end, in its order, with no range or equality on it: SQLite
  `SCAN t USING [COVERING] INDEX i`, PostgreSQL `Index [Only] Scan` without an `Index Cond`, or
  with one on later columns of the index only (its first column unconstrained, it walks the
  whole index), or a bitmap of every entry of an index. It touches every row too (a `COUNT(*)`,
  a sort done by walking an index). One exception: the first loop of a statement whose outer
  query ends in `LIMIT` and needs no sort or grouping of its own (no temporary B-tree on SQLite;
  on PostgreSQL only streaming nodes between the `Limit` and the scan, and no bitmap): that is a
  newest-first list read in index order that stops after a page;
- an index SQLite builds for itself (`AUTOMATIC … INDEX`) or a Bloom filter it fills: both read
  the whole table first, on every run of the statement;
- SQLite's FTS5 table read with no constraint at all (`VIRTUAL TABLE INDEX 0:`); with `MATCH`
  or a rowid it is the full-text index doing its work.

A `SEARCH` (SQLite) or a condition on an index's first column (PostgreSQL) is taken as bounded,
however many rows the bound lets through: EXPLAIN alone cannot tell a selective key from a loose
one, nor a nested loop that looks up every space's posts from a single page of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from afterclass.insights.models import (
    ActivePeople,
    DailyActivity,
    DailyCount,
    DailyHidden,
    DailyInteraction,
    Event,
    SpaceWindow,
)
from afterclass.learning.models import Progress
from afterclass.notifications.models import Notification
from afterclass.posts.models import Comment, Post, Reaction, Vote
from afterclass.search.models import SearchDocument, SearchEntry

# The tables that grow with an organisation's people, posts and days: a full scan of one of them
# is seconds at tier M. SQLite's FTS5 keeps its index in shadow tables named after its own.
FTS_SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config")
BIG_TABLES = frozenset(
    [
        model._meta.db_table
        for model in (
            Post,
            Comment,
            Reaction,
            Vote,
            Event,
            DailyActivity,
            DailyCount,
            DailyInteraction,
            DailyHidden,
            ActivePeople,
            SpaceWindow,
            SearchDocument,
            SearchEntry,
            Notification,
            Progress,
        )
    ]
    + [f"{SearchEntry._meta.db_table}_{suffix}" for suffix in FTS_SHADOW_SUFFIXES]
)

# Statements worth a plan: reads, and writes that must find their rows first.
PLANNED = re.compile(r"^\s*(SELECT|WITH|UPDATE|DELETE)\b", re.IGNORECASE)
# The outer query ends with LIMIT (a subquery's LIMIT sits inside parentheses).
OUTER_LIMIT = re.compile(r"\bLIMIT\s+(\d+|%s|\?)(\s+OFFSET\s+(\d+|%s|\?))?\s*$", re.IGNORECASE)
# SQL as tokens: string literals, quoted names, parentheses, words, anything else one by one.
TOKEN = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\w+|\S")
KEYWORD = re.compile(
    r"WHERE|INNER|LEFT|RIGHT|FULL|OUTER|CROSS|JOIN|ON|USING|GROUP|ORDER|LIMIT|HAVING|WINDOW|"
    r"UNION|EXCEPT|INTERSECT|SET|NATURAL|VALUES|AS|SELECT|FROM|INDEXED|NOT|RETURNING",
    re.IGNORECASE,
)
# An alias SQLite's plan shows in place of the table: the table is after the mark.
ALIAS_MARK = "~"
SQLITE_LOOP = re.compile(r"^(SCAN|SEARCH) (\S+)(.*)$")
SQLITE_BLOOM = re.compile(r"^BLOOM FILTER ON (\S+)")
# Nodes that pass rows on as they come, so that a Limit above them stops the scan below.
PG_STREAMING = frozenset(
    ["Limit", "Nested Loop", "Merge Join", "Result", "Subquery Scan", "Gather Merge", "Unique"]
)


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Sequence[Any] | Mapping[str, Any] | None

    def short(self, width: int = 600) -> str:
        flat = " ".join(self.sql.split())
        return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass(frozen=True)
class FullScan:
    table: str
    line: str  # the plan line (SQLite) or node (PostgreSQL) that reads it all


@dataclass
class Plan:
    statement: Statement
    lines: list[str]
    full_scans: list[FullScan] = field(default_factory=list)

    def describe(self) -> str:
        tables = ", ".join(sorted({scan.table for scan in self.full_scans}))
        plan = "\n".join(f"      {line}" for line in self.lines)
        return f"  full scan of {tables}\n    SQL: {self.statement.short()}\n    plan:\n{plan}"


@contextmanager
def capture() -> Iterator[list[Statement]]:
    """Every statement the default connection runs inside the block, with its parameters."""
    statements: list[Statement] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many:
            statements.append(Statement(sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def analyze() -> None:
    """Give the planner statistics, as a database in use has them (SQLite after `PRAGMA
    optimize` or ANALYZE, PostgreSQL after autovacuum's ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def explain(statement: Statement) -> Plan:
    """The plan the current database makes for `statement`, with its full scans of big tables."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # Rolled back with the savepoint, so the setting ends here.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement.sql, statement.params)
            (document,) = cursor.fetchone()
            transaction.set_rollback(True)
        root = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
        scans = postgresql_full_scans(root, BIG_TABLES, postgresql_leading_columns())
        return Plan(statement, list(postgresql_lines(root)), scans)
    with connection.cursor() as cursor:
        sql = sqlite_name_tables(statement.sql)
        cursor.execute("EXPLAIN QUERY PLAN " + sql, statement.params)
        rows = [(row[0], row[1], row[3]) for row in cursor.fetchall()]
    return Plan(statement, sqlite_lines(rows), sqlite_full_scans(sql, rows, BIG_TABLES))


def explain_all(statements: Sequence[Statement]) -> list[Plan]:
    """The plans of the statements worth one, each distinct SQL and parameters once."""
    seen: set[str] = set()
    plans = []
    for statement in statements:
        key = statement.sql + repr(statement.params)
        if PLANNED.match(statement.sql) and key not in seen:
            seen.add(key)
            plans.append(explain(statement))
    return plans


# --- SQLite ---------------------------------------------------------------------------------


def _name(token: str) -> str | None:
    """The identifier a token spells, if it is one (quoted, or a word that is no keyword)."""
    if token.startswith('"'):
        return token[1:-1]
    if re.fullmatch(r"[A-Za-z_]\w*", token) and not KEYWORD.fullmatch(token):
        return token
    return None


def sqlite_name_tables(sql: str) -> str:
    """`sql` with every table alias renamed to `<alias>~<table>`, so that SQLite's plan (which
    shows an alias in place of its table) names the table. Django gives the tables of different
    subqueries the same aliases ("U0" in each), so an alias is resolved in its own subquery:
    each parenthesis opens a scope, and a name means the alias of the nearest scope defining it."""
    matches = list(TOKEN.finditer(sql))
    tokens = [match.group() for match in matches]
    parent: list[int] = []  # of each scope, by number; scope 0 is the statement
    scope_of: list[int] = []  # of each token
    defined: dict[tuple[int, str], str] = {}  # (scope, alias): table
    alias_at: dict[int, str] = {}  # token position of each alias definition: its table
    stack = [0]
    parent.append(-1)
    for position, piece in enumerate(tokens):
        if piece == "(":
            parent.append(stack[-1])
            stack.append(len(parent) - 1)
        elif piece == ")" and len(stack) > 1:
            stack.pop()
        scope_of.append(stack[-1])
        if piece.upper() not in ("FROM", "JOIN", ","):
            continue
        if piece == "," and (position < 2 or position - 2 not in alias_at):
            continue  # only a list of tables continues after one table with its alias
        rest = tokens[position + 1 : position + 4]
        table = _name(rest[0]) if rest else None
        if table is None:
            continue
        at = position + 2
        if at < len(tokens) and tokens[at].upper() == "AS":
            at += 1
        alias = _name(tokens[at]) if at < len(tokens) else None
        if alias is not None:
            defined[(stack[-1], alias)] = table
            alias_at[at] = table
    if not defined:
        return sql

    def resolve(scope: int, name: str) -> str | None:
        while scope >= 0:
            if (scope, name) in defined:
                return defined[(scope, name)]
            scope = parent[scope]
        return None

    out = []
    end = 0
    for position, piece in enumerate(tokens):
        name = _name(piece)
        table = None
        if position in alias_at:
            table = alias_at[position]
        elif name is not None and position + 1 < len(tokens) and tokens[position + 1] == ".":
            table = resolve(scope_of[position], name)
        if name is not None and table:
            start, stop = matches[position].span()
            out += [sql[end:start], f'"{name}{ALIAS_MARK}{table}"']
            end = stop
    return "".join([*out, sql[end:]])


def sqlite_lines(rows: Sequence[tuple[int, int, str]]) -> list[str]:
    """EXPLAIN QUERY PLAN's rows as the indented tree the sqlite3 shell prints."""
    depth = {0: -1}
    lines = []
    for node, parent, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def sqlite_full_scans(
    sql: str, rows: Sequence[tuple[int, int, str]], big_tables: frozenset[str]
) -> list[FullScan]:
    top_level = [detail for _, parent, detail in rows if parent == 0]
    first_loop = next((d for d in top_level if SQLITE_LOOP.match(d)), None)
    # Rows come out in index order straight into the LIMIT: nothing sorts or groups them first.
    stops_early = bool(OUTER_LIMIT.search(sql.strip())) and not any(
        detail.startswith("USE TEMP B-TREE") for detail in top_level
    )
    scans = []
    for _, parent, detail in rows:
        bloom = SQLITE_BLOOM.match(detail)
        loop = SQLITE_LOOP.match(detail)
        if bloom:
            name, unbounded = bloom.group(1), True
        elif loop:
            verb, name, rest = loop.groups()
            if verb == "SEARCH":
                unbounded = " AUTOMATIC " in rest  # the index is built from a full scan
            elif rest.startswith(" VIRTUAL TABLE INDEX "):
                unbounded = rest.rstrip().endswith(":")  # FTS5 with no MATCH, no rowid
            elif " INDEX " in rest:
                unbounded = not (stops_early and parent == 0 and detail == first_loop)
            else:
                unbounded = True
        else:
            continue
        table = name.rpartition(ALIAS_MARK)[2]
        if unbounded and table in big_tables:
            scans.append(FullScan(table, detail))
    return scans


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_label(node: Mapping[str, Any]) -> str:
    label = str(node["Node Type"])
    if "Index Name" in node:
        label += f" using {node['Index Name']}"
    if "Relation Name" in node:
        label += f" on {node['Relation Name']}"
        if node.get("Alias") and node["Alias"] != node["Relation Name"]:
            label += f" {node['Alias']}"
    for condition in ("Index Cond", "Recheck Cond", "Hash Cond", "Join Filter", "Filter"):
        if condition in node:
            label += f"  [{condition}: {node[condition]}]"
    return label


def postgresql_lines(node: Mapping[str, Any], depth: int = 0) -> Iterator[str]:
    yield "  " * depth + _pg_label(node)
    for child in node.get("Plans", []):
        yield from postgresql_lines(child, depth + 1)


def postgresql_leading_columns() -> dict[str, str]:
    """The first column of each plain-column index of the current schema, by index name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT index_class.relname, attribute.attname FROM pg_index "
            "JOIN pg_class index_class ON index_class.oid = pg_index.indexrelid "
            "JOIN pg_attribute attribute ON attribute.attrelid = pg_index.indrelid "
            "AND attribute.attnum = pg_index.indkey[0] "
            "WHERE index_class.relnamespace = to_regnamespace(current_schema())::oid"
        )
        return dict(cursor.fetchall())


def _pg_bounded(node: Mapping[str, Any], leading: Mapping[str, str]) -> bool:
    """The index scan has a condition on its index's first column. A condition on later columns
    only (kind = 'question' on an index of space, kind, …) still reads every entry."""
    condition = node.get("Index Cond")
    if condition is None:
        return False
    column = leading.get(node.get("Index Name", ""))
    return column is None or re.search(rf"\b{re.escape(column)}\b", condition) is not None


def postgresql_full_scans(
    root: Mapping[str, Any],
    big_tables: frozenset[str] = BIG_TABLES,
    leading: Mapping[str, str] | None = None,
) -> list[FullScan]:
    """`leading`: each index's first column (postgresql_leading_columns), when known."""
    scans: list[FullScan] = []
    leading = leading or {}

    def whole_bitmap(node: Mapping[str, Any]) -> bool:
        if node["Node Type"] == "Bitmap Index Scan":
            return not _pg_bounded(node, leading)
        children = node.get("Plans", [])
        if node["Node Type"] == "BitmapAnd":  # bounded when any of its indexes is
            return all(whole_bitmap(child) for child in children)
        return any(whole_bitmap(child) for child in children)  # BitmapOr, the heap scan

    def visit(node: Mapping[str, Any], under_limit: bool) -> None:
        kind = node["Node Type"]
        table = node.get("Relation Name")
        if table in big_tables:
            whole_index = kind in ("Index Scan", "Index Only Scan") and not _pg_bounded(
                node, leading
            )
            # A bitmap is made of its index entries before the first row comes out, so no Limit
            # stops it: one of a whole index (what COUNT(*) gets once sequential scans are off)
            # reads every row.
            bitmap = kind == "Bitmap Heap Scan" and whole_bitmap(node)
            if kind == "Seq Scan" or bitmap or (whole_index and not under_limit):
                scans.append(FullScan(table, _pg_label(node)))
        for child in node.get("Plans", []):
            # A Limit stops the node it reads from; a streaming node passes that on to its outer
            # side only (a nested loop reads its inner side again for every outer row).
            outer = child.get("Parent Relationship") in ("Outer", "Subquery")
            stopped = kind == "Limit" or (under_limit and kind in PG_STREAMING)
            visit(child, stopped and outer)

    visit(root, under_limit=False)
    return scans
