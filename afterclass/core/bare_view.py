"""Bench only: the bare view bench/pages.py measures each page against.

It answers, from the same server and through the same middleware, with bytes the benchmark
saved from a page beforehand, doing no other work: the page's req/s divided by this view's is
what the page's own work costs. afterclass/urls.py routes to it only when AFTERCLASS_BENCH is
set, so on a real site /bench/bare/… does not exist.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

# Where bench/pages.py writes the bytes: <data folder>/bench-bare/<key>.<html|json>.
FOLDER = "bench-bare"
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "json": "application/json; charset=utf-8"}

# Read once per process: the benchmark writes each file before it first asks for it, and a
# read per request would measure the disk rather than the framework.
_bodies: dict[str, bytes] = {}


def bare(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    name = f"{key}.{kind}"
    body = _bodies.get(name)
    if body is None:
        try:
            body = (settings.DATA_DIR / FOLDER / name).read_bytes()
        except FileNotFoundError as error:
            raise Http404(name) from error
        _bodies[name] = body
    return HttpResponse(body, content_type=CONTENT_TYPES[kind])
