"""What every app's API router uses, below the API root that mounts them (api.api): the person
a request acts as (`current_person`) and the schemas every part of the API shares: errors, ids,
storable text and list parameters. The root imports the apps' routers; the routers import this,
never the root."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import AuthenticationError
from pydantic import BeforeValidator, ConfigDict

from afterclass.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

if TYPE_CHECKING:
    from afterclass.people.models import Person

# Primary keys are 64-bit: a larger number can never name a row, and the databases refuse it.
MAX_ID = 2**63 - 1
MAX_SEARCH_LENGTH = 200
MAX_IDS = 500


def _storable(value: object) -> object:
    # PostgreSQL cannot store NUL characters and no database stores lone surrogates: refuse
    # them here with a 422 instead of failing deep in the database driver. (Runs before the
    # string's own checks, so max_length and friends keep their usual messages.)
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError("must be valid Unicode text") from error
    return value


# Put it after a string's Field(...) constraints: `Annotated[str, Field(max_length=80), storable]`.
storable = BeforeValidator(_storable)
SearchText = Annotated[str, Field(max_length=MAX_SEARCH_LENGTH), storable]
CursorText = Annotated[str, Field(max_length=1000), storable]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """A request body: unknown fields are refused, so a typo is an error and not ignored."""

    model_config = ConfigDict(extra="forbid")


class FieldErrorOut(Schema):
    field: str = Field(description='The field, dotted for nested ones ("answers.0").')
    message: str
    type: str = Field(
        description='pydantic\'s error type, e.g. string_too_long; "invalid" for a rule.'
    )


class ErrorOut(Schema):
    """Every error the API answers has this one shape, schema errors (422) included."""

    detail: str = Field(description='What went wrong, written for a person to read; for 422 '
                        'every problem as "field: why", separated by "; ".')  # fmt: skip
    field: str | None = Field(
        description="The input field at fault (the first, when several), or null."
    )
    errors: list[FieldErrorOut] = Field(
        description="One entry per invalid field; empty when no field is at fault."
    )


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The documented error responses of an operation: all of them `ErrorOut`."""
    return dict.fromkeys(codes, ErrorOut)


class PageParams(Schema):
    cursor: CursorText | None = Field(None, description="The `next` value of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


class IdsIn(InputSchema):
    ids: list[Id] = Field(min_length=1, max_length=MAX_IDS)


def current_person(request: HttpRequest) -> Person:
    """The person an authenticated API request acts as (set by the API's authentication,
    api.auth: a personal access token or the browser session)."""
    person = getattr(request, "auth", None)
    if not isinstance(person, get_user_model()) or not person.is_active:
        raise AuthenticationError()
    return person
