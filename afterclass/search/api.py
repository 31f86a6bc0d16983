"""Search API: GET /api/v1/search, the same engine and rules as the search page."""

from django.http import HttpRequest
from ninja import Query, Router

from afterclass.core.api import current_person, errors
from afterclass.core.errors import InvalidInput
from afterclass.search.engine import SearchFilters, search
from afterclass.search.schemas import HitOut, SearchPage, SearchParams
from afterclass.spaces.access import access_space

router = Router(tags=["search"])


@router.get("/search", response={200: SearchPage, **errors(400, 401, 404, 422)}, summary="Search")
def search_everything(request: HttpRequest, params: Query[SearchParams]) -> SearchPage:
    """Posts, answers, comments, files, people, spaces and learning activities that I may see,
    best first: the best of the newest 1000 matches, a page at a time (narrow the search to reach
    older ones). An empty query is refused; one of punctuation or common words only returns no
    items and a hint."""
    viewer = current_person(request)
    if not params.q.strip():
        raise InvalidInput("Type a word or two to search for.", field="q")
    space = access_space(viewer, params.space) if params.space else None
    results = search(
        viewer,
        SearchFilters(
            q=params.q,
            space=space,
            kinds=(params.kind,) if params.kind else (),
            author=params.author,
            after=params.after,
            before=params.before,
            answered=params.answered,
            has_files=params.has_files,
        ),
        cursor=params.cursor,
        limit=params.limit,
    )
    return SearchPage(
        items=[HitOut.build(hit) for hit in results.hits], next=results.next, hint=results.hint
    )
