"""The L&D lead's evaluation: the demo admin opens the organisation's insights, sees spaces
with different recommendations, opens one space's insights and its printable report."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from afterclass.demo.load import load_demo
from afterclass.demo.people import ADMIN_EMAIL
from afterclass.journeys.tests.browser import snap
from afterclass.people.models import Person


def test_insights_journey_organisation_view_to_a_space_report(open_page):
    load_demo()
    admin = Person.objects.get(email=ADMIN_EMAIL)
    page = open_page(as_person=admin)

    page.goto("/")
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", name="Insights across the organisation")).to_be_visible()
    table = page.locator("table.spaces-table")
    # The demo's spaces differ, and so do their recommendations.
    for verdict in ("Keep", "Improve", "Scale down or archive"):
        expect(table.get_by_text(verdict, exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="Spaces to look at first")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    snap(page, "organisation-insights")

    # Sorting by a column is a link that keeps the period.
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=members"))

    page.get_by_label("Last 90 days").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Showing the last 90 days")).to_be_visible()

    page.locator("table.spaces-table tbody th a").first.click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Recommendation: "))).to_be_visible()
    page.get_by_text("How this is decided").click()
    expect(page.locator(".rules li").first).to_be_visible()
    snap(page, "space-insights")

    page.get_by_role("link", name="Printable report").click()
    expect(page.get_by_role("heading", name=re.compile(r"insights report$"))).to_be_visible()
    expect(page.get_by_text("the last 90 days").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    snap(page, "space-report-print")
    # What the L&D lead takes to a meeting: one A4 page.
    pdf = page.pdf(format="A4")
    (page.screenshots_dir / "space-report.pdf").write_bytes(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
