"""Whole pages remembered per viewer until a table they were built from changes.

`@remembered_page` on a read-only view (the feed, a space home, a post page, search…) keeps the
HTML it answered for one viewer and one URL, and answers it again without running the view
while every database table the view read (or wrote) is unchanged. What decides it:

- **Whose and which page**: the key is the viewer (id, the secret their CSRF tokens are masked
  with, language and time zone: `fragments.viewer_key`), the full path with its query, and the
  htmx headers. Never shared across viewers; nobody signed in is never remembered.
- **Tables, not guesses**: while the view runs, every SQL statement it sends is read for the
  tables it names (`FROM` / `JOIN`, and the target of a write). Each table has a *generation*, a
  random token replaced whenever a statement changes a row of it — any statement, from any
  code path: an action, a queryset `update()`, a bulk insert, a raw cursor, a migration, the
  background worker — through a wrapper every database connection gets
  (`install_write_watch`, connected in CoreConfig.ready). A remembered page is answered only
  while the generations of all the tables its view has ever read are those read before it was
  built. So a missed invalidation cannot be written: there is nothing to invalidate by hand.
- **When it is bumped**: in the process that writes, at once (a page built later in the same
  transaction or test sees it); for every process, after the transaction commits (another
  process cannot see the rows before). Generations are shared through Redis when REDIS_URL is
  set, otherwise through files in the data folder (`CACHES["generations"]`): the background
  worker's writes reach the web processes either way.
- **Not remembered**: a response other than a 200, one that sets a cookie, a page shown with
  flash messages, a view that changed a row while answering (the next visit, which changes
  nothing, is), a request with no readable generations (Redis down: pages are built as usual).
- **Time**: relative times ("3 hours ago") are kept as markers and worded at each answer
  (`fragments.fill_times`); what else depends on the clock alone (a prompt released at a set
  hour, "too early to judge") is at most `AFTERCLASS_PAGE_CACHE_SECONDS` (60) old.

The cost of a remembered answer is one local-memory read, one read of the generations (a
`MGET` or a few small files) and the time markers: a page answers about as fast as a bare view.
`AFTERCLASS_PAGE_CACHE=0` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

from afterclass.core import fragments

PAGES_ALIAS = "pages"
GENERATIONS_ALIAS = "generations"

# Tables a page may read without its content depending on them: the session row says who the
# viewer is, which the key already holds.
NOT_CONTENT = frozenset({"django_session"})
# Read before any view runs (the signed-in person, by the authentication middleware): part of
# every page.
ALWAYS = frozenset({"people_person"})
# Any change no statement names a table for (a migration, a test changing settings).
SITE = "*"

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|WITH|CREATE|ALTER|DROP|TRUNCATE)\b", re.I)
_WRITE_TARGET = re.compile(
    r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|(?<!DO )UPDATE(?:\s+OR\s+\w+)?"
    r'|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.I,
)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)
_DATA_WRITE = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


# --- Generations -------------------------------------------------------------------------------

# This process's own count of changes per table, bumped at once by every statement that changes
# a row: pages built in this process see a write before it commits.
_local: dict[str, int] = {}
_local_lock = threading.Lock()


def _bump_local(tables: Iterable[str]) -> None:
    with _local_lock:
        for table in tables:
            _local[table] = _local.get(table, 0) + 1


def _bump_shared(tables: Iterable[str]) -> None:
    """Give each table a new generation for every process (after the change is committed)."""
    try:
        store = caches[GENERATIONS_ALIAS]
        store.set_many({_gen_key(table): secrets.token_hex(8) for table in tables}, None)
    except Exception:  # the store is down: pages then go unremembered (TTL)
        return


def _gen_key(table: str) -> str:
    return f"gen:{table}"


def generations(tables: Iterable[str]) -> tuple[str, ...] | None:
    """The current generation of each table (sorted by name), this process's changes not yet
    committed included; None when the shared store cannot be read."""
    names = sorted(set(tables))
    keys = [_gen_key(name) for name in names]
    try:
        store = caches[GENERATIONS_ALIAS]
        found = store.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            # Never seen (or dropped by the store): a new random generation, so that nothing
            # remembered under an older one can match again.
            for key in missing:
                store.add(key, secrets.token_hex(8), None)
            found.update(store.get_many(missing))
    except Exception:  # unreadable: answer without remembering
        return None
    if any(key not in found for key in keys):
        return None
    with _local_lock:
        local = [_local.get(name, 0) for name in names]
    return tuple(f"{found[key]}.{count}" for key, count in zip(keys, local, strict=True))


# --- Watching every statement ------------------------------------------------------------------


@dataclass
class _Recording:
    """What one remembered view's statements touched."""

    tables: set[str]
    changed: bool = False


_recording = threading.local()


class _SharedBump:
    """An on-commit callback giving `table` a new shared generation; one per table and
    transaction (savepoint-aware: see `_after_commit`)."""

    __slots__ = ("table",)

    def __init__(self, table: str) -> None:
        self.table = table

    def __call__(self) -> None:
        _bump_shared((self.table,))


def _after_commit(connection: BaseDatabaseWrapper, tables: Iterable[str]) -> None:
    """Bump the tables' shared generations when the transaction commits, once per table: a
    callback already queued for a table by this transaction (in no savepoint, or in savepoints
    all still open) will run; one queued in a savepoint since rolled back was dropped with it."""
    open_savepoints = set(connection.savepoint_ids)
    queued = {
        callback.table
        for sids, callback, *_ in connection.run_on_commit
        if isinstance(callback, _SharedBump) and set(sids) <= open_savepoints
    }
    for table in tables:
        if table not in queued:
            connection.on_commit(_SharedBump(table))


def _watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    recording: _Recording | None = getattr(_recording, "current", None)
    if recording is not None:
        recording.tables.update(_READ.findall(sql))
    write = _WRITE.match(sql)
    if write is None:
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    verb = write.group(1).upper()
    targets = _WRITE_TARGET.findall(sql)
    if verb in _DATA_WRITE or (verb == "WITH" and targets):
        tables = set(targets)
        if recording is not None:
            # What a view writes is what it depends on, even when nothing changed this time:
            # marking a post's notifications read matters once a notification comes.
            recording.tables.update(tables)
        # An UPDATE that matched no row changed nothing. (SQLite counts the rows of a statement
        # with RETURNING only as they are fetched: 0 says nothing then.)
        if getattr(context["cursor"], "rowcount", -1) == 0 and not _RETURNING.search(sql):
            return result
    elif verb == "WITH":
        return result  # a read
    else:
        tables = {SITE}  # the schema changed
    if recording is not None:
        recording.tables.update(tables)
        recording.changed = True
    _bump_local(tables)
    connection = context["connection"]
    if connection.in_atomic_block:
        _after_commit(connection, tables)
    else:
        _bump_shared(tables)
    return result


def install_write_watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Every new database connection tells the page cache what its statements change."""
    if _watch not in connection.execute_wrappers:
        # First, not last: `connection.execute_wrapper()` blocks pop the last one on leaving.
        connection.execute_wrappers.insert(0, _watch)


def setting_changed(**kwargs: Any) -> None:
    """A changed setting (tests) may change any page of this process (settings are the
    process's own)."""
    _bump_local((SITE,))


# --- Remembered pages --------------------------------------------------------------------------

# The tables each remembered view has read so far, over all its answers: the generations read
# before building a page are those of these tables (a page is remembered only when every table
# it read was among them).
_view_tables: dict[str, frozenset[str]] = {}


@dataclass(frozen=True, slots=True)
class _Page:
    tables: frozenset[str]
    stamp: tuple[str, ...]
    stored_at: float
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # zlib-compressed HTML with its time markers


def enabled() -> bool:
    return bool(getattr(settings, "AFTERCLASS_PAGE_CACHE", True))


def _key(request: HttpRequest, viewer: str) -> str:
    htmx = "|".join(
        request.headers.get(name, "") for name in ("HX-Request", "HX-Target", "HX-Boosted")
    )
    text = f"{viewer}\x1f{request.get_full_path()}\x1f{htmx}"
    return "page:" + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(storage._queued_messages or storage._loaded_messages)


def _answer(page: _Page) -> HttpResponse:
    html = zlib.decompress(page.body).decode()
    response = HttpResponse(fragments.fill_times(html), status=page.status)
    for name, value in page.headers:
        response.headers[name] = value
    return response


def remembered_page[**P](
    view: Callable[P, HttpResponse],
) -> Callable[P, HttpResponse]:
    """Answer a signed-in viewer's GET from the page remembered for them (module docstring)."""
    name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        if not isinstance(request, HttpRequest):
            raise TypeError("remembered_page decorates views: a request first")
        if not enabled() or request.method != "GET" or _has_messages(request):
            return view(*args, **kwargs)
        viewer = fragments.viewer_key(request)
        if viewer is None:
            return view(*args, **kwargs)
        install_write_watch(None, connections[DEFAULT_DB_ALIAS])
        store = caches[PAGES_ALIAS]
        key = _key(request, viewer)
        known = _view_tables.get(name, ALWAYS | {SITE})
        stamp = generations(known)
        if stamp is None:
            return view(*args, **kwargs)
        now = time.time()
        page: _Page | None = store.get(key)
        if (
            page is not None
            and page.tables == known
            and page.stamp == stamp
            and 0 <= now - page.stored_at < settings.AFTERCLASS_PAGE_CACHE_SECONDS
        ):
            return _answer(page)
        recording = _Recording(tables=set())
        previous = getattr(_recording, "current", None)
        _recording.current = recording
        try:
            with fragments.times_deferred():
                response = view(*args, **kwargs)
        finally:
            _recording.current = previous
        if previous is not None:  # a remembered view inside another: the outer one records it
            previous.tables |= recording.tables
            previous.changed |= recording.changed
        read = frozenset(recording.tables) - NOT_CONTENT
        if not read:
            pass  # a page of no table: its statements were not watched, so never remembered
        elif not read <= known:
            _view_tables[name] = known | read
        elif _rememberable(request, response, recording):
            headers = tuple(
                (header, value)
                for header, value in response.headers.items()
                if header.lower() != "content-length"
            )
            body = zlib.compress(response.content, 1)
            page = _Page(known, stamp, now, response.status_code, headers, body)
            store.set(key, page, settings.AFTERCLASS_PAGE_CACHE_SECONDS)
        if isinstance(response, HttpResponse) and not response.streaming:
            response.content = fragments.fill_times(response.content.decode()).encode()
        return response

    return wrapped


def _rememberable(request: HttpRequest, response: HttpResponse, recording: _Recording) -> bool:
    return (
        not recording.changed
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not _has_messages(request)
    )
