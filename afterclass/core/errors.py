"""Domain errors that pages and the API turn into the right status and a readable message."""

from django.db import InterfaceError, OperationalError

# The database errors that mean "cannot reach the database now", not "this request is wrong".
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def error_body(
    detail: str, *, field: str | None = None, errors: list[dict[str, str]] | None = None
) -> dict[str, object]:
    """The one shape of every error the API answers (4xx and 5xx alike): `detail` for a person
    to read, `field` the input at fault (the first, when several), `errors` one entry per
    invalid field (empty when no field is at fault)."""
    if errors is None:
        errors = [{"field": field, "message": detail, "type": "invalid"}] if field else []
    elif field is None and errors:
        field = errors[0]["field"]
    return {"detail": detail, "field": field, "errors": errors}


class AfterclassError(Exception):
    """Base of the errors an action raises; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(AfterclassError):
    """The request is well-formed but its content breaks a rule (400)."""

    status = 400


class NotAllowed(AfterclassError):
    """The person can see the thing but may not do this to it (403)."""

    status = 403


class NotFound(AfterclassError):
    """The thing does not exist, or the person may not know it exists (404)."""

    status = 404


class Conflict(AfterclassError):
    """The change clashes with the current state, e.g. a slug that is taken (409)."""

    status = 409


class TooManyRequests(AfterclassError):
    """Asked again too soon (429); `retry_after` says in how many seconds to ask again."""

    status = 429

    def __init__(self, message: str, *, retry_after: int = 1, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class StorageFull(InvalidInput):
    """The file store has no room left (507). An InvalidInput, so that every form showing a
    refused upload shows this beside the file too; nothing was stored and nothing changed."""

    status = 507

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message or STORAGE_FULL, field=field)


STORAGE_FULL = (
    "The file store is full: the file was not saved. Try again later or tell an administrator."
)
# A row whose file is gone from the store (a lost disk, a restore without the media folder).
FILE_MISSING = (
    "This file is missing from the file store: it may have been lost or removed. "
    "Tell the person who shared it, or an administrator."
)
# What a page or the API says while the database cannot be reached (OperationalError or
# InterfaceError: refused, timed out, gone away; SQLite's "database is locked" too).
DATABASE_UNAVAILABLE = (
    "Afterclass cannot reach its database just now. Please try again in a few minutes."
)
SERVER_ERROR = (
    "Something went wrong on our side. Please try again in a moment; "
    "if it keeps happening, tell an administrator."
)
