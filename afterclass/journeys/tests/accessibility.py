"""Every page a journey visits is checked: axe-core finds no violation, and it fits 320 and 390 px.

axe-core comes bundled in `axe-playwright-python` (its axe.min.js is read from the installed
package and evaluated in the page: nothing is fetched at run time, and an evaluated script is not
subject to the Content-Security-Policy). A page is checked once per document, at the first
moment a journey touches it (before its first click, fill or goto away) and once more at the end
of the test, so the states htmx swaps in on the last page are checked too; `check_page(page,
"what is open")` checks the current state again, e.g. with a menu open.
"""

from collections.abc import Callable
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

# What every page must pass: WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE_WIDTHS = (390, 320)
CHECKED = "afterclass-checked"

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      html: node.html.slice(0, 200),
      summary: node.failureSummary,
    })),
  }));
}"""

OVERFLOW = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return null;
  const width = window.innerWidth;
  const sticksOut = (element) => element.getBoundingClientRect().right > width + 0.5;
  const culprits = Array.from(document.querySelectorAll("body *"))
    .filter((element) => sticksOut(element) && !sticksOut(element.parentElement))
    .filter((element) => getComputedStyle(element).position !== "fixed")
    .slice(0, 5)
    .map((element) => {
      const classes = typeof element.className === "string" && element.className
        ? "." + element.className.trim().replaceAll(/\\s+/g, ".") : "";
      const right = Math.round(element.getBoundingClientRect().right);
      return `${element.tagName.toLowerCase()}${classes} (to ${right}px)`;
    });
  return `${document.documentElement.scrollWidth}px wide: ${culprits.join(", ")}`;
}"""


def axe_violations(page: Any) -> list[str]:
    """One line per violation: the rule, what it asks, and each element that breaks it."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    found = []
    for violation in page.evaluate(RUN_AXE, AXE_TAGS):
        elements = "".join(
            f"\n      {node['target']}: {node['html']}\n        "
            + (node["summary"] or "").replace("\n", "\n        ")
            for node in violation["nodes"]
        )
        found.append(f"{violation['id']} ({violation['help']}){elements}")
    return found


def overflow_at_phone_widths(page: Any) -> list[str]:
    """What sticks out sideways at each phone width; the window is put back as it was."""
    viewport = page.viewport_size
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    found = []
    try:
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            wide = page.evaluate(OVERFLOW)
            if wide:
                found.append(f"scrolls sideways at {width}px: {wide}")
    finally:
        page.set_viewport_size(viewport)
        page.evaluate("([x, y]) => window.scrollTo(x, y)", scroll)
    return found


def check(page: Any, state: str, report: Callable[[str], None], *, base_url: str = "") -> None:
    """Check the page as it is now; report each problem with the page's address and state."""
    page.wait_for_load_state("load")
    # A part htmx is still loading is dimmed (.htmx-request, opacity .6): measured then, its
    # colours would fail contrast although the settled page passes. Check the settled page.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    problems = axe_violations(page) + overflow_at_phone_widths(page)
    page.evaluate(f"window['{CHECKED}'] = true")
    where = page.url.removeprefix(base_url) or "/"
    for problem in problems:
        report(f"{where} ({state}): {problem}")


def is_checked(page: Any) -> bool:
    return bool(page.evaluate(f"window['{CHECKED}'] === true"))
