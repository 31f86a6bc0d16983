"""The people directory's ranked search: the search app's engine (`search/engine.search_people`:
name, job title, department, interests and bio as they are typed, best match first). Search
indexes people and so imports people; it registers its search here from `SearchConfig.ready()`,
so that people imports nothing of search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from afterclass.core.pagination import Page
    from afterclass.people.models import Person


class RankedSearch(Protocol):
    def __call__(
        self,
        viewer: Person | AnonymousUser | None,
        q: str,
        *,
        within: QuerySet[Person] | None = ...,
        cursor: str | None = ...,
        limit: int = ...,
    ) -> Page[Person]:
        """One keyset page of the people among `within` (those the directory's other filters
        leave) whose words match `q`, best match first."""


_search: list[RankedSearch] = []


def register_ranked_search(search: RankedSearch) -> None:
    """Called once, by the search app."""
    if _search:
        raise ImproperlyConfigured("The directory's ranked search is registered already.")
    _search.append(search)


def ranked_search(
    viewer: Person | AnonymousUser | None,
    q: str,
    *,
    within: QuerySet[Person],
    cursor: str | None,
    limit: int,
) -> Page[Person]:
    if not _search:
        raise ImproperlyConfigured("No ranked search of people: is the search app installed?")
    return _search[0](viewer, q, within=within, cursor=cursor, limit=limit)
