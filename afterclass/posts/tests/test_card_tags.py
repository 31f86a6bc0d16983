"""The pieces every post card repeats, rendered by template tags instead of includes."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.template.defaultfilters import truncatewords_html
from django.utils import timezone

from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load posts %}" + source).render(Context(context))


def test_author_names_a_person_and_links_their_profile():
    person = PersonFactory(display_name="Ada <Lovelace>")
    html = render("{% author who %}", who=person, user=PersonFactory())
    assert f'href="/people/{person.pk}/"' in html
    assert "Ada &lt;Lovelace&gt;" in html  # escaped
    assert 'aria-hidden="true">' in html  # initials, not read aloud


def test_author_is_you_for_the_viewer_and_a_colleague_when_anonymous():
    person = PersonFactory()
    assert ">You</a>" in render("{% author who %}", who=person, user=person)
    anonymous = render("{% author who %}", who=None, user=person)
    assert "A colleague" in anonymous
    assert "href" not in anonymous


def test_time_ago_is_machine_readable_in_the_current_time_zone():
    moment = timezone.now() - timedelta(days=3)
    html = render("{% time_ago moment %}", moment=moment)
    assert html == (
        f'<time datetime="{timezone.localtime(moment).isoformat()}">3\xa0days ago</time>'
    )


@pytest.mark.parametrize("words", [3, 40])
def test_excerpt_is_djangos_truncatewords_html(words):
    html = "<p>One <strong>two three four</strong> five</p><ul><li>six seven</li></ul>"
    assert render(f"{{{{ html|excerpt:{words} }}}}", html=html) == truncatewords_html(html, words)
