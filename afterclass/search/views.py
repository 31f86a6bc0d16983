"""Search pages: the full results page (with filters, a space's own search), the header's
results as you type, and similar questions for the new-question form."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from afterclass.core.http import SignedInRequest, next_url
from afterclass.core.pagecache import remembered_page
from afterclass.search import engine
from afterclass.search.engine import Hit, SearchFilters, SearchResults, search, similar_questions
from afterclass.search.forms import SearchForm
from afterclass.spaces.access import access_space

QUICK_LIMIT = 5
QUICK_TARGET = "search-quick-results"


@dataclass(frozen=True)
class QuickGroup:
    label: str
    hits: list[Hit]


def quick_groups(hits: list[Hit]) -> list[QuickGroup]:
    """The header's results grouped by kind, the groups in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind_label or "Other", []).append(hit)
    return [QuickGroup(label, found) for label, found in groups.items()]


@login_required
@require_GET
@remembered_page
def results(request: SignedInRequest) -> HttpResponse:
    """The results page. From the header box (htmx, target the drop-down) only the top few;
    other htmx requests get the next page of results; a plain request the whole page."""
    form = SearchForm(request.GET)
    results: SearchResults | None = None
    space = None
    if form.is_valid():
        data = form.cleaned_data
        space = access_space(request.user, data["space"]) if data["space"] else None
        quick = bool(request.htmx) and request.htmx.target == QUICK_TARGET
        filters = SearchFilters(
            q=data["q"],
            space=space,
            kinds=(data["kind"],) if data["kind"] else (),
            author=data["author"],
            after=data["after"],
            before=data["before"],
            answered=form.answered_value,
            has_files=data["has_files"],
        )
        results = search(
            request.user,
            filters,
            cursor=None if quick else request.GET.get("cursor") or None,
            limit=QUICK_LIMIT if quick else 20,
        )
    context: dict[str, object] = {
        "form": form,
        "results": results,
        "space": space,
        "q": request.GET.get("q", ""),
        "next_url": next_url(request, results.next) if results else None,
        "candidates": engine.CANDIDATES,
    }
    status = 200 if form.is_valid() else 400
    if request.htmx and request.htmx.target == QUICK_TARGET:
        # A 200 even for a refused query: htmx swaps no 4xx, and the list must empty itself.
        context["quick_groups"] = quick_groups(results.hits) if results else []
        return render(request, "search/search.html#quick", context)
    if request.htmx and request.GET.get("cursor"):
        return render(request, "search/search.html#page", context, status=status)
    return render(request, "search/search.html", context, status=status)


@login_required
@require_GET
def similar(request: SignedInRequest) -> HttpResponse:
    """ "Has this been answered already?": questions like the title being typed."""
    title = request.GET.get("title", "")[:300]
    hits = similar_questions(request.user, title)
    return render(request, "search/similar.html", {"hits": hits})
