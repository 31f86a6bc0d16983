"""The OpenAPI document and the interactive docs page (served locally, under our strict CSP)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

CHROMIUM = os.environ.get("AFTERCLASS_CHROMIUM", "/usr/bin/chromium")

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/people/me"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/{person_id}"),
    ("get", "/api/v1/people/{person_id}/contributions"),
    ("get", "/api/v1/departments"),
    ("get", "/api/v1/levels"),
    ("get", "/api/v1/spaces"),
    ("post", "/api/v1/spaces"),
    ("get", "/api/v1/spaces/{slug}"),
    ("patch", "/api/v1/spaces/{slug}"),
    ("post", "/api/v1/spaces/{slug}/status"),
    ("post", "/api/v1/spaces/{slug}/rules"),
    ("post", "/api/v1/spaces/{slug}/rules/accept"),
    ("post", "/api/v1/spaces/{slug}/join"),
    ("post", "/api/v1/spaces/{slug}/leave"),
    ("get", "/api/v1/spaces/{slug}/members"),
    ("get", "/api/v1/spaces/{slug}/requests"),
    ("post", "/api/v1/spaces/{slug}/requests/approve"),
    ("post", "/api/v1/spaces/{slug}/requests/decline"),
    ("post", "/api/v1/spaces/{slug}/invite"),
    ("post", "/api/v1/spaces/{slug}/members/{membership_id}/remove"),
    ("post", "/api/v1/spaces/{slug}/members/{membership_id}/ban"),
    ("post", "/api/v1/spaces/{slug}/members/{membership_id}/role"),
    ("get", "/api/v1/spaces/{slug}/posts"),
    ("get", "/api/v1/spaces/{slug}/mention-suggestions"),
    ("post", "/api/v1/spaces/{slug}/posts"),
    ("get", "/api/v1/feed"),
    ("get", "/api/v1/questions/waiting"),
    ("post", "/api/v1/attachments"),
    ("get", "/api/v1/attachments/{attachment_id}"),
    ("get", "/api/v1/hashtags/{tag}"),
    ("get", "/api/v1/drafts"),
    ("put", "/api/v1/drafts"),
    ("delete", "/api/v1/drafts/{draft_id}"),
    ("get", "/api/v1/posts/{post_id}"),
    ("patch", "/api/v1/posts/{post_id}"),
    ("delete", "/api/v1/posts/{post_id}"),
    ("post", "/api/v1/posts/{post_id}/accept"),
    ("post", "/api/v1/posts/{post_id}/hide"),
    ("post", "/api/v1/posts/{post_id}/restore"),
    ("post", "/api/v1/posts/{post_id}/pin"),
    ("post", "/api/v1/posts/{post_id}/unpin"),
    ("post", "/api/v1/posts/{post_id}/lock"),
    ("post", "/api/v1/posts/{post_id}/unlock"),
    ("post", "/api/v1/posts/{post_id}/reveal-asker"),
    ("get", "/api/v1/posts/{post_id}/comments"),
    ("post", "/api/v1/posts/{post_id}/comments"),
    ("patch", "/api/v1/comments/{comment_id}"),
    ("delete", "/api/v1/comments/{comment_id}"),
    ("post", "/api/v1/comments/{comment_id}/hide"),
    ("post", "/api/v1/comments/{comment_id}/restore"),
    ("post", "/api/v1/comments/{comment_id}/vote"),
    ("delete", "/api/v1/comments/{comment_id}/vote"),
    ("post", "/api/v1/posts/{post_id}/reactions/{kind}"),
    ("delete", "/api/v1/posts/{post_id}/reactions/{kind}"),
    ("post", "/api/v1/comments/{comment_id}/reactions/{kind}"),
    ("delete", "/api/v1/comments/{comment_id}/reactions/{kind}"),
    ("post", "/api/v1/posts/{post_id}/poll/vote"),
    ("delete", "/api/v1/posts/{post_id}/poll/vote"),
    ("post", "/api/v1/posts/{post_id}/poll/close"),
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/spaces/{slug}/reports"),
    ("post", "/api/v1/reports/{report_id}/resolve"),
    ("get", "/api/v1/system/health"),
    ("get", "/api/v1/system/tasks/failed"),
    ("post", "/api/v1/system/tasks/{task_id}/retry"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/me/export"),
    ("get", "/api/v1/me/export"),
    ("get", "/api/v1/me/export/{export_id}/file"),
    ("get", "/api/v1/surveys"),
    ("post", "/api/v1/surveys"),
    ("post", "/api/v1/surveys/{survey_id}/open"),
    ("post", "/api/v1/surveys/{survey_id}/close"),
    ("post", "/api/v1/surveys/{survey_id}/remind"),
    ("post", "/api/v1/invitations"),
    ("post", "/api/v1/people/{person_id}/deactivate"),
    ("post", "/api/v1/people/{person_id}/reactivate"),
    ("post", "/api/v1/people/{person_id}/erase"),
    ("get", "/api/v1/surveys/{survey_id}"),
    ("post", "/api/v1/surveys/{survey_id}/answers"),
    ("get", "/api/v1/surveys/{survey_id}/results"),
    ("get", "/api/v1/surveys/{survey_id}/results.csv"),
    ("get", "/api/v1/notifications"),
    ("get", "/api/v1/notifications/unread-count"),
    ("post", "/api/v1/notifications/read"),
    ("get", "/api/v1/notifications/preferences"),
    ("put", "/api/v1/notifications/preferences"),
    ("put", "/api/v1/spaces/{slug}/notification-level"),
    ("get", "/api/v1/search"),
    # Structured learning (issue 4)
    ("delete", "/api/v1/activities/{activity_id}"),
    ("delete", "/api/v1/sessions/{session_id}"),
    ("delete", "/api/v1/units/{unit_id}"),
    ("get", "/api/v1/activities/{activity_id}"),
    ("get", "/api/v1/activities/{activity_id}/progress"),
    ("get", "/api/v1/activities/{activity_id}/submissions"),
    ("get", "/api/v1/me/learning"),
    ("get", "/api/v1/sessions/{session_id}"),
    ("get", "/api/v1/spaces/{slug}/progress"),
    ("get", "/api/v1/spaces/{slug}/sessions"),
    ("get", "/api/v1/spaces/{slug}/submissions"),
    ("get", "/api/v1/spaces/{slug}/units"),
    ("get", "/api/v1/submissions/{submission_id}"),
    ("get", "/api/v1/units/{unit_id}"),
    ("patch", "/api/v1/activities/{activity_id}"),
    ("patch", "/api/v1/sessions/{session_id}"),
    ("patch", "/api/v1/units/{unit_id}"),
    ("post", "/api/v1/activities/{activity_id}/attempts"),
    ("post", "/api/v1/activities/{activity_id}/completion"),
    ("post", "/api/v1/activities/{activity_id}/move"),
    ("post", "/api/v1/activities/{activity_id}/nudge"),
    ("post", "/api/v1/activities/{activity_id}/submissions"),
    ("post", "/api/v1/spaces/{slug}/sessions"),
    ("post", "/api/v1/spaces/{slug}/units"),
    ("post", "/api/v1/spaces/{slug}/units/copy"),
    ("post", "/api/v1/submissions/{submission_id}/feedback"),
    ("post", "/api/v1/units/{unit_id}/activities"),
    ("post", "/api/v1/units/{unit_id}/move"),
    ("post", "/api/v1/spaces/{slug}/units/order"),
    ("post", "/api/v1/units/{unit_id}/activities/order"),
    # Insights (issue 6)
    ("get", "/api/v1/insights/spaces/{slug}"),
    ("get", "/api/v1/insights/spaces/{slug}/health"),
    ("get", "/api/v1/insights/organisation"),
    ("put", "/api/v1/insights/spaces/{slug}/settings"),
    ("post", "/api/v1/spaces/{slug}/pulse"),
    # Saved posts, followed and muted threads, acknowledgements, and their feeds (issue 14)
    ("delete", "/api/v1/posts/{post_id}/follow"),
    ("delete", "/api/v1/posts/{post_id}/mute"),
    ("delete", "/api/v1/posts/{post_id}/save"),
    ("get", "/api/v1/feed/following"),
    ("get", "/api/v1/feed/saved"),
    ("get", "/api/v1/feed/top"),
    ("get", "/api/v1/posts/{post_id}/acknowledgements"),
    ("get", "/api/v1/posts/{post_id}/follow"),
    ("put", "/api/v1/posts/{post_id}/acknowledge"),
    ("put", "/api/v1/posts/{post_id}/follow"),
    ("put", "/api/v1/posts/{post_id}/mute"),
    ("put", "/api/v1/posts/{post_id}/save"),
    # Retention and legal hold (issue 16)
    ("get", "/api/v1/retention"),
    ("put", "/api/v1/retention"),
    ("get", "/api/v1/retention/preview"),
    ("get", "/api/v1/spaces/{slug}/retention"),
    ("put", "/api/v1/spaces/{slug}/retention"),
    ("get", "/api/v1/spaces/{slug}/retention/preview"),
    ("put", "/api/v1/spaces/{slug}/legal-hold"),
}


def test_openapi_document_lists_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Afterclass API"
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == EXPECTED_OPERATIONS


def test_openapi_document_says_every_operation_needs_authentication(client):
    document = client.get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("security"), f"{method} {path} has no security requirement"
            assert "401" in operation["responses"], f"{method} {path} does not document 401"


def test_openapi_document_describes_list_envelope_and_errors(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for page in ("PersonPage", "SpacePage", "MemberPage", "RequestPage"):
        assert set(schemas[page]["properties"]) == {"items", "next"}
    assert "detail" in schemas["ErrorOut"]["properties"]
    assert schemas["SpaceCreateIn"]["properties"]["name"]["maxLength"] == 80


def test_docs_page_is_served_from_our_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://", html), "the docs page must not load anything remotely"
    assert not re.search(r"(src|href)=\"//", html)
    references = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    assert references
    for reference in references:
        assert reference.startswith("/static/"), reference
        assert finders.find(reference.removeprefix("/static/")), f"{reference} is not served"


def test_docs_page_has_no_inline_script_or_style(client):
    html = client.get("/api/v1/docs").content.decode()
    # The only <script> without src is the JSON settings block, which browsers do not run.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert "style=" not in html
    assert not re.search(r"<[^>]*\son[a-z]+=", html), "no inline event handlers"


def test_docs_page_keeps_the_strict_content_security_policy(client):
    policy = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe" not in policy


def test_docs_page_does_not_use_the_online_validator(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '"validatorUrl": null' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_renders_in_chromium_without_csp_errors(live_server, monkeypatch, tmp_path):
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            "Browser tests need Debian's Chromium at /usr/bin/chromium: "
            "install it with `apt-get install -y chromium` (CI installs it)."
        )
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    problems: list[str] = []
    remote: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(live_server.url) else remote.append(r.url),
            )
            page.goto(f"{live_server.url}/api/v1/docs")
            page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
            assert "Afterclass API" in page.inner_text(".swagger-ui .info .title")
            page.locator(".opblock-summary").first.click()
            page.wait_for_selector(".opblock-body", timeout=5000)
        finally:
            browser.close()
    assert not problems, problems  # a CSP violation is reported as a console error
    assert not remote, remote
