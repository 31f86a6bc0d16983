"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

Never a browser that Playwright downloads: always the system's /usr/bin/chromium. Without it
the journeys are skipped with a message saying how to install it, unless
AFTERCLASS_REQUIRE_BROWSER=1 (CI), where a missing browser fails them.

Every page a journey opens fails the test on a console error or an uncaught script error:
that is how a Content-Security-Policy violation (an inline script or style) shows up. Every
page is also checked with axe-core and at phone widths (see tests/accessibility.py): a
violation or a page that scrolls sideways fails the test, naming the page, rule and element.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from afterclass.journeys.tests import accessibility
from afterclass.journeys.tests.asgi_server import AsgiLiveServer
from afterclass.journeys.tests.browser import DESKTOP

CHROMIUM = os.environ.get("AFTERCLASS_CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = (
    f"Browser tests need Debian's Chromium at {CHROMIUM}: "
    "install it with `sudo apt-get install -y chromium` (CI installs it)."
)
# Short waits: a live server on localhost answers in milliseconds, so a step that has not
# happened after a few seconds will not happen, and the test should say so quickly.
TIMEOUT_MS = 5_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "journeys" in item.path.parts:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Remember how the test went, so the page fixture can keep a picture of a failure.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _browser_required() -> bool:
    return os.environ.get("AFTERCLASS_REQUIRE_BROWSER", "").strip() == "1"


def _missing(reason: str) -> None:
    if _browser_required():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(INSTALL_HINT)
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("Browser tests need Playwright for Python: `pip install -e '.[dev]'`.")
    # An expectation waits up to 10 s for the page to get there (Playwright's default is 5):
    # CI runs the SQLite and PostgreSQL suites side by side on two cores, where a post that
    # answers in half a second alone has been seen to take more than five.
    expect.set_options(timeout=10_000)

    # Playwright's sync API keeps an event loop marked as running in this thread while it is
    # started, and Django then refuses ORM calls from it. The tests' ORM calls are synchronous,
    # so tell Django; put it back afterwards so other tests keep the guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/<test name>/ beside pyproject.toml (AFTERCLASS_ARTIFACTS moves it)."""
    root = os.environ.get("AFTERCLASS_ARTIFACTS") or request.config.rootpath / "test-artifacts"
    return Path(root) / request.node.name.replace("/", "_")


@pytest.fixture(scope="session")
def live_server() -> Iterator[AsgiLiveServer]:
    """uvicorn serving the ASGI application, as in production (pytest-django's live server is
    WSGI, without the websockets of live updates); pytest-django's `_live_server_helper` still
    gives each journey a transactional database."""
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


# What a journey does to a page; before the first of these on each document, the page is checked.
ACTIONS = (
    "check", "click", "dblclick", "drag_to", "fill", "press", "press_sequentially",
    "select_option", "set_checked", "set_input_files", "tap", "type", "uncheck",
)  # fmt: skip


@pytest.fixture
def open_page(
    chromium: Any,
    live_server: Any,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (its own cookies) on the live server.

    `open_page(as_person=someone)` starts signed in as them (a session cookie, no sign-in form);
    `viewport=PHONE` gives a phone-sized window. Paths like "/spaces/" are relative to the server.
    `expected` names console errors the journey means to cause (a form the server refuses with
    400 is logged by Chromium as a resource that failed to load); any other error fails it.
    """
    folder = artifacts_dir(request)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    contexts: list[Any] = []
    pages: list[Any] = []
    errors: list[str] = []
    problems: list[str] = []

    def report(problem: str) -> None:
        if problem not in problems:
            problems.append(problem)

    def check_page(page: Any, state: str) -> None:
        accessibility.check(page, state, report, base_url=live_server.url)

    def check_if_new(page: Any, state: str) -> None:
        if page.url != "about:blank" and not accessibility.is_checked(page):
            check_page(page, state)

    def checked_first(action: Callable[..., Any]) -> Callable[..., Any]:
        def run(locator: Any, *args: Any, **kwargs: Any) -> Any:
            page = locator.page
            if page in pages:
                check_if_new(page, f"before {action.__name__}")
            return action(locator, *args, **kwargs)

        return run

    from playwright.sync_api import Locator

    for name in ACTIONS:
        monkeypatch.setattr(Locator, name, checked_first(getattr(Locator, name)))

    def leaving_checked(page: Any, move: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            check_if_new(page, f"before {move.__name__}")
            return move(*args, **kwargs)

        return run

    def watch(page: Any, expected: tuple[str, ...]) -> None:
        def console(message: Any) -> None:
            text = f"{page.url}: {message.text}"
            if message.type == "error" and not any(part in text for part in expected):
                errors.append(text)

        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", console)
        page.on(
            "response",
            lambda response: (
                errors.append(f"{response.url} answered {response.status}")
                if response.status >= 500
                else None
            ),
        )

    def open_page(
        *, as_person: Any = None, viewport: dict[str, int] = DESKTOP, expected: tuple[str, ...] = ()
    ) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=viewport)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if as_person is not None:
            client = Client()
            client.force_login(as_person)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.screenshots_dir = folder
        page.check_accessibility = lambda state: check_page(page, state)
        page.goto = leaving_checked(page, page.goto)
        page.reload = leaving_checked(page, page.reload)
        watch(page, expected)
        pages.append(page)
        return page

    yield open_page

    call = getattr(request.node, "report_call", None)
    if call is not None and call.passed:
        # The last state of every page, with whatever htmx swapped into it.
        for page in pages:
            if not page.is_closed() and page.url != "about:blank":
                page.emulate_media(media="screen")  # a journey may have left it printing
                check_page(page, "at the end")
    if call is not None and call.failed:
        for number, page in enumerate(pages, start=1):
            try:
                page.screenshot(path=str(folder / f"failure-{number}.png"), full_page=True)
            except Exception as error:  # a missing picture must not hide the failure itself
                print(f"No failure screenshot of page {number}: {error}")
    for context in contexts:
        context.close()
    # Before pytest-django empties the database: see AsgiLiveServer.wait_until_idle.
    live_server.wait_until_idle()
    # A CSP violation or a script error is a defect even when the journey succeeds.
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)
    if problems:
        pytest.fail(
            f"{len(problems)} accessibility or layout problems:\n" + "\n".join(problems),
            pytrace=False,
        )


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    """One page on the live server, not signed in."""
    return open_page()
