"""One URL answers the full page and its htmx fragment; a history restore gets the whole page."""

from pathlib import Path

import pytest
from django.urls import reverse

import afterclass
from afterclass.people.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

# Every page whose template pushes its URL into the browser's history (hx-push-url), with the
# template that does it: going back to such a URL without htmx's copy of the page asks for it
# again with HX-History-Restore-Request, and the answer must be the whole page.
PUSHED = {
    "spaces/directory.html": ("space-directory", "?q=data"),
    "people/directory.html": ("people-directory", "?q=ada"),
    "people/manage/people.html": ("manage-people", "?q=ada"),
    "auditlog/log.html": ("manage-audit", "?who=ada"),
}
FRAGMENT = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def test_every_template_that_pushes_a_url_is_checked_here():
    root = Path(afterclass.__file__).parent
    pushing = {
        "/".join(path.parts[path.parts.index("templates") + 1 :])
        for path in root.glob("**/templates/**/*.html")
        if "hx-push-url" in path.read_text()
    }
    assert pushing == set(PUSHED)


@pytest.mark.parametrize(("name", "query"), list(PUSHED.values()), ids=list(PUSHED))
def test_a_pushed_url_answers_a_fragment_and_a_restore_with_the_whole_page(client, name, query):
    client.force_login(AdminFactory())
    url = reverse(name) + query

    fragment = client.get(url, headers=FRAGMENT)
    restored = client.get(url, headers=RESTORE)
    page = client.get(url)

    assert "<html" not in fragment.content.decode()
    for whole in (restored, page):
        assert "<html" in whole.content.decode()
        assert "<main" in whole.content.decode()
    for response in (fragment, restored, page):
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
