"""Markdown is rendered to safe HTML: no scripts, no handlers, no dangerous URLs."""

import re

import pytest
from django.utils.safestring import SafeString
from markdown_it import MarkdownIt

from afterclass.core import markdown
from afterclass.core.markdown import render_markdown

EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
HREFS = re.compile(r'<a\s[^>]*href="([^"]*)"', re.IGNORECASE)


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<iframe" not in html.lower()
    assert "style=" not in html.lower()
    assert not EVENT_HANDLER.search(html)
    for href in HREFS.findall(html):
        assert href.split(":", 1)[0].lower() in {"http", "https", "mailto"}, href


def test_render_markdown_formats_text():
    html = render_markdown("**Be kind.** Stay *on topic*.\n\n- one\n- two")

    assert isinstance(html, SafeString)
    assert "<strong>Be kind.</strong>" in html
    assert "<em>on topic</em>" in html
    assert "<ul>" in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize("text", ["", None])
def test_render_markdown_empty_input_gives_empty_html(text):
    assert render_markdown(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![pixel](https://tracker.example/pixel.png)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "| a | b |\n|:-|-:|\n| 1 | 2 |",
    ],
)
def test_render_markdown_removes_dangerous_content(text):
    assert_safe(render_markdown(text))


def test_render_markdown_shows_raw_html_as_text():
    html = render_markdown("Use <script> tags carefully")

    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        '<script>alert(1)</script><p onmouseover="alert(1)">hi</p>',
        '<a href="javascript:alert(1)" onclick="steal()">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "<img src=x onerror=alert(1)><svg onload=alert(1)></svg>",
        '<p style="position:fixed">overlay</p><style>body{}</style>',
    ],
)
def test_render_markdown_sanitiser_holds_even_if_the_parser_passes_html(monkeypatch, text):
    # Defence in depth: with a parser that lets raw HTML through, the allow-list still holds.
    monkeypatch.setattr(markdown, "_parser", lambda: MarkdownIt("commonmark"))

    html = render_markdown(text)

    assert_safe(html)
    assert "<style" not in html


def test_render_markdown_marks_links_noopener_noreferrer_nofollow():
    html = render_markdown("Read [the guide](https://intranet.example.org/guide) first.")

    assert 'href="https://intranet.example.org/guide"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_render_markdown_keeps_mailto_links():
    html = render_markdown("[Ask L&D](mailto:learning@example.org)")

    assert 'href="mailto:learning@example.org"' in html


def test_render_markdown_renders_tables_without_inline_styles():
    html = render_markdown("| Week | Task |\n|:-----|-----:|\n| 1 | Lookups |")

    assert "<table>" in html
    assert "<td>Lookups</td>" in html
    assert "style" not in html
