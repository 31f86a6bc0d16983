"""Keyset pagination: every row exactly once, in order, with cursors that cannot be forged."""

import base64
import json
from datetime import UTC, datetime, timedelta

import factory
import pytest

from afterclass.core.errors import InvalidInput
from afterclass.core.pagination import MAX_LIMIT, decode_cursor, encode_cursor, paginate
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory


def make_person(**fields) -> Person:
    # An unusable password: hashing a real one is slow and these tests never sign in.
    return PersonFactory(password=factory.Transformer.Force("!"), **fields)


def walk(queryset, *, order, limit):
    """All pages, following each page's cursor; returns the pages' items."""
    pages, cursor = [], None
    while True:
        page = paginate(queryset, order=order, cursor=cursor, limit=limit)
        pages.append(page.items)
        if page.next is None:
            return pages
        cursor = page.next


@pytest.fixture
def people(db):
    # Repeated names, so the order needs the pk to break ties across page boundaries.
    names = ["Ada", "Ben", "Ben", "Ben", "Cleo", "Dan", "Dan", "Eve"]
    return [make_person(display_name=name) for name in names]


def test_paginate_walks_every_row_once_in_ascending_order(people):
    pages = walk(Person.objects.all(), order=["display_name", "pk"], limit=3)

    assert [len(page) for page in pages] == [3, 3, 2]
    flat = [person for page in pages for person in page]
    assert flat == sorted(people, key=lambda p: (p.display_name, p.pk))


def test_paginate_walks_every_row_once_in_descending_order(people):
    pages = walk(Person.objects.all(), order=["-display_name", "-pk"], limit=3)

    flat = [person for page in pages for person in page]
    assert flat == sorted(people, key=lambda p: (p.display_name, p.pk), reverse=True)


def test_paginate_mixed_directions(people):
    pages = walk(Person.objects.all(), order=["-display_name", "pk"], limit=2)

    flat = [person for page in pages for person in page]
    # Descending names, ascending pk within each name (sorted is stable).
    expected = sorted(people, key=lambda p: p.pk)
    expected = sorted(expected, key=lambda p: p.display_name, reverse=True)
    assert flat == expected


def test_paginate_by_datetime_with_ties(db):
    moment = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)
    joined = [moment, moment, moment + timedelta(seconds=1), moment - timedelta(days=1)]
    made = [make_person(date_joined=value) for value in joined]

    pages = walk(Person.objects.all(), order=["-date_joined", "-pk"], limit=1)

    flat = [person for page in pages for person in page]
    assert flat == sorted(made, key=lambda p: (p.date_joined, p.pk), reverse=True)


def test_paginate_last_page_has_no_next(people):
    page = paginate(Person.objects.all(), order=["display_name", "pk"], limit=len(people))

    assert len(page.items) == len(people)
    assert page.next is None


def test_paginate_empty_queryset(db):
    page = paginate(Person.objects.all(), order=["pk"])

    assert page.items == []
    assert page.next is None


@pytest.mark.parametrize("limit", [1, MAX_LIMIT])
def test_paginate_accepts_limits_within_bounds(people, limit):
    page = paginate(Person.objects.all(), order=["pk"], limit=limit)

    assert len(page.items) == min(limit, len(people))


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_paginate_refuses_limits_out_of_bounds(db, limit):
    with pytest.raises(InvalidInput) as error:
        paginate(Person.objects.all(), order=["pk"], limit=limit)

    assert error.value.field == "limit"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%",
        b64(b"\xff\xfe\x00"),
        b64(b"{not json"),
        b64(json.dumps({"pk": 1}).encode()),
        b64(json.dumps("a string").encode()),
        b64(json.dumps([1]).encode()),  # one value for a two-field order
        b64(json.dumps([1, 2, 3]).encode()),
    ],
)
def test_paginate_refuses_bad_cursors(people, cursor):
    with pytest.raises(InvalidInput) as error:
        paginate(Person.objects.all(), order=["display_name", "pk"], cursor=cursor)

    assert error.value.field == "cursor"
    assert "not valid" in error.value.message


def test_cursor_roundtrip_keeps_values():
    values = ["Ben", 42, None]

    assert decode_cursor(encode_cursor(values), 3) == values


def test_cursor_is_url_safe():
    cursor = encode_cursor(["a/b+c?d&e=", 10**12])

    assert all(ch.isalnum() or ch in "-_" for ch in cursor)
