"""Turns domain errors raised in page views into error pages with the right status."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from afterclass.core.errors import AfterclassError

TITLES = {400: "Cannot do that", 403: "Not allowed", 404: "Not found", 409: "Cannot do that"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AfterclassError):
            return None
        return render(
            request,
            "error.html",
            {"title": TITLES.get(exception.status, "Error"), "message": exception.message},
            status=exception.status,
        )
