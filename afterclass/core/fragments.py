"""Rendered fragments of a page remembered per viewer, keyed by what they show.

A card in a feed or a comment in a thread is rendered from a presented value (`SeenPost`,
`SeenComment`: frozen dataclasses built fresh for every request by the visibility rules) and a
few flags. `{% fragment name=value … %}…{% endfragment %}` (core's `fragments` template tags)
renders its body with only those names, and remembers the HTML under a key made of:

- the viewer (never shared across viewers), the secret their CSRF tokens are masked with (a
  remembered form stays valid for their session only), the language and the time zone;
- where the fragment is (template and position), and
- a fingerprint of every value it was given: each field of a dataclass, each concrete field of
  a model and of the related objects loaded with it, each item of a collection.

So nothing has to be invalidated: an edit, a reaction, a new comment, a hidden post or a changed
name changes the presented value, hence the key, and the next request renders afresh; what is
no longer visible is not presented at all. Times ("3 hours ago") are left as markers in the
remembered HTML and written at each request. A value of a type this module does not know
raises TypeError: a fragment keys on everything it shows, or it is not cached.

The store is a per-process local-memory cache (`CACHES["fragments"]`): the keys need no shared
invalidation, so a worker needs no network round trip to read them.
`AFTERCLASS_FRAGMENT_CACHE=0` turns it off (the body is then rendered as a plain block with the
page's whole context, which is what the tests compare the cached pages with).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
import enum
import hashlib
import re
import secrets
import uuid
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

CACHE_ALIAS = "fragments"
# How long a fragment is kept at most: the key carries its content, so this only bounds how
# long an unused entry holds memory before the cache's own eviction would drop it anyway.
TIMEOUT_SECONDS = 3600

# Times are written into remembered HTML as markers carrying the moment, replaced with the
# current wording at every request. The marker holds a per-process random part: no text a
# person writes can contain it.
_MARK = f"\x00t{secrets.token_hex(8)}:"
_MARKER = re.compile(re.escape(_MARK) + r"(-?[0-9]+(?:\.[0-9]+)?)\x00")


class Unfingerprintable(TypeError):
    """A value a fragment was given whose content this module cannot read into its key."""


# Values whose repr is their content: written as they are, without a call per value.
_PLAIN = frozenset(
    {
        type(None),
        str,
        bool,
        int,
        float,
        Decimal,
        datetime.datetime,
        datetime.date,
        datetime.time,
        uuid.UUID,
    }
)
_COLUMNS: dict[type, tuple[str, ...]] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _model_parts(value: Model, out: list[str], memo: dict[int, tuple[Any, str]]) -> None:
    remembered = memo.get(id(value))
    if remembered is not None and remembered[0] is value:
        out.append(remembered[1])
        return
    cls = value.__class__  # the model's, also through a lazy object (request.user)
    columns = _COLUMNS.get(cls)
    if columns is None:
        columns = _COLUMNS[cls] = tuple(field.attname for field in cls._meta.concrete_fields)
    parts = [cls._meta.label]
    for name in columns:
        item = getattr(value, name)
        if type(item) in _PLAIN:
            parts.append(repr(item))
        else:
            _parts(item, parts, memo)
    # Related objects loaded with it (select_related, an author's department…) are read by
    # templates without a query: what they show is part of the content too.
    for name, related in sorted(value._state.fields_cache.items()):
        parts.append(name)
        _parts(related, parts, memo)
    text = "{" + "\x1f".join(parts) + "}"
    memo[id(value)] = (value, text)
    out.append(text)


def _dataclass_parts(value: Any, out: list[str], memo: dict[int, tuple[Any, str]]) -> None:
    cls = type(value)
    frozen = cls.__dataclass_params__.frozen
    if frozen:  # cannot change: read once per request (the post of every comment in a thread)
        remembered = memo.get(id(value))
        if remembered is not None and remembered[0] is value:
            out.append(remembered[1])
            return
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    parts = [cls.__qualname__]
    for name in names:
        item = getattr(value, name)
        if type(item) in _PLAIN:
            parts.append(repr(item))
        else:
            _parts(item, parts, memo)
    text = "(" + "\x1f".join(parts) + ")"
    if frozen:
        memo[id(value)] = (value, text)
    out.append(text)


def _parts(value: Any, out: list[str], memo: dict[int, tuple[Any, str]]) -> None:
    if type(value) in _PLAIN:
        out.append(repr(value))  # the type shows: "1" and 1 differ
    elif isinstance(value, Model):
        _model_parts(value, out, memo)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _dataclass_parts(value, out, memo)
    elif isinstance(value, tuple | list):
        out.append(f"[{len(value)}")
        for item in value:
            _parts(item, out, memo)
    elif isinstance(value, frozenset | set):
        out.append(f"{{{len(value)}")
        items: list[str] = []
        for item in value:
            _parts(item, items, memo)
        out.extend(sorted(items))
    elif isinstance(value, Mapping):
        out.append(f"<{len(value)}")
        for key in sorted(value, key=repr):
            _parts(key, out, memo)
            _parts(value[key], out, memo)
    elif isinstance(value, str | int | float | enum.Enum):  # str and int subclasses: choices
        out.append(f"{type(value).__qualname__}:{value!r}")
    elif isinstance(value, FieldFile):
        out.append(f"file:{value.name or ''}")
    elif isinstance(value, Promise):
        out.append(repr(str(value)))
    else:
        raise Unfingerprintable(f"A fragment cannot key on a {type(value).__qualname__}.")


def fingerprint(values: Mapping[str, Any], memo: dict[int, tuple[Any, str]] | None = None) -> str:
    """A digest of everything in `values`: two mappings get the same one only when every name,
    field and item in them is equal. `memo` lets one page read a shared object (the space of
    every comment) once."""
    out: list[str] = []
    _parts(dict(values), out, {} if memo is None else memo)
    return hashlib.blake2b("\x1f".join(out).encode(), digest_size=20).hexdigest()


def key(where: str, viewer: str, values: str) -> str:
    """The cache key of a fragment: where it is, whose it is, and what it shows."""
    digest = hashlib.blake2b(f"{where}\x1f{viewer}\x1f{values}".encode(), digest_size=20)
    return f"fragment:{digest.hexdigest()}"


def viewer_key(request: HttpRequest) -> str | None:
    """What makes a fragment one viewer's: their id, the secret their CSRF tokens are masked
    with, the language and the time zone. None when nobody is signed in (not cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        get_token(request)  # a new secret, sent with this response: nothing remembered has it
        secret = request.META.get("CSRF_COOKIE", "")
    return f"{user.pk}:{secret}:{translation.get_language()}:{timezone.get_current_timezone_name()}"


# The name a fragment's own context carries: tags that write a time write a marker instead.
IN_FRAGMENT = "_in_remembered_fragment"


def time_ago(moment: datetime.datetime, now: datetime.datetime | None = None) -> SafeString:
    """`<time datetime="…">3 days ago</time>`, in the current time zone."""
    return format_html(
        '<time datetime="{}">{} ago</time>',
        timezone.localtime(moment).isoformat(),
        timesince(moment, now),
    )


def time_marker(moment: datetime.datetime) -> str:
    """What a remembered fragment holds in place of a relative time."""
    return f"{_MARK}{moment.timestamp()!r}\x00"


_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("times_deferred", default=False)


@contextlib.contextmanager
def times_deferred() -> Iterator[None]:
    """While a whole page is rendered to be remembered (afterclass.core.pagecache), every
    relative time is left as a marker, worded when the page is answered."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def times_are_deferred() -> bool:
    return _deferred.get()


# "3 hours, 5 minutes ago" for a moment, worded once per language, time zone and whole minute
# since it (what timesince's wording depends on): a long thread answered from memory has a
# hundred times to word at each request, and timesince is slow.
_WORDED_MAX = 20000
_worded: dict[tuple[str, str, str, int], str] = {}


def _worded_time(stamp: str, now: datetime.datetime) -> str:
    moment = float(stamp)
    key = (
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        stamp,
        int((now.timestamp() - moment) // 60),
    )
    text = _worded.get(key)
    if text is None:
        if len(_worded) >= _WORDED_MAX:
            _worded.clear()
        at = datetime.datetime.fromtimestamp(moment, tz=datetime.UTC)
        text = _worded[key] = time_ago(at, now)
    return text


def fill_times(html: str, render_time: Callable[[datetime.datetime], str] | None = None) -> str:
    """Write each time marker of `html` as it reads now."""
    if _MARK not in html:
        return html
    if render_time is not None:
        chosen = render_time
        return _MARKER.sub(
            lambda found: chosen(
                datetime.datetime.fromtimestamp(float(found.group(1)), tz=datetime.UTC)
            ),
            html,
        )
    now = timezone.now()
    return _MARKER.sub(lambda found: _worded_time(found.group(1), now), html)


def enabled() -> bool:
    return bool(getattr(settings, "AFTERCLASS_FRAGMENT_CACHE", True))


def cache() -> Any:
    return caches[CACHE_ALIAS]
