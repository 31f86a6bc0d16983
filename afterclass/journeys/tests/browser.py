"""Steps the journeys share: screenshots, signing in, proving that htmx swapped without a reload."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MARK = "afterclass-same-document"


def snap(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artefact: test-artifacts/<test name>/<name>.png."""
    folder: Path = page.screenshots_dir  # type: ignore[attr-defined]  # set by open_page
    folder.mkdir(parents=True, exist_ok=True)
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    # After a full-page capture Chromium's compositor and the page can disagree about where the
    # page is scrolled to, and the next click lands off target: put the scroll back as it was.
    page.evaluate("([x, y]) => window.scrollTo(x, y)", scroll)


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the real form, the way a person does."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()  # not "…with a passkey"
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def mark_document(page: Page) -> None:
    """Leave a mark on the current document; a full page load would wipe it."""
    page.evaluate(f"window['{MARK}'] = true")


def is_same_document(page: Page) -> bool:
    return bool(page.evaluate(f"window['{MARK}'] === true"))


def horizontal_overflow(page: Page) -> str | None:
    """None when the page fits the window's width; else how wide it is and what sticks out."""
    if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        return None
    return str(page.evaluate(OVERFLOW_REPORT))


# The outermost elements that reach past the right edge of the window.
OVERFLOW_REPORT = """() => {
  const width = window.innerWidth;
  const sticksOut = (element) => element.getBoundingClientRect().right > width + 0.5;
  const culprits = Array.from(document.querySelectorAll("body *"))
    .filter((element) => sticksOut(element) && !sticksOut(element.parentElement))
    .slice(0, 5)
    .map((element) => {
      const classes = element.className ? "." + element.className.replaceAll(" ", ".") : "";
      const right = Math.round(element.getBoundingClientRect().right);
      return `${element.tagName.toLowerCase()}${classes} (to ${right}px)`;
    });
  return `${document.documentElement.scrollWidth}px wide for ${width}px: ${culprits.join(", ")}`;
}"""


def check_page(page: Page, state: str) -> None:
    """Check the page as it is now (axe-core, 320 and 390 px), e.g. with a menu open."""
    page.check_accessibility(state)  # type: ignore[attr-defined]  # set by open_page
