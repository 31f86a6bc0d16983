"""An organisation admin previews a retention rule and switches it on, for the organisation and
for one space, and puts a space on legal hold; on a desktop and a phone."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, check_page, horizontal_overflow, snap
from afterclass.people.actions import do_update_organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.retention.models import OrganisationRetention, SpaceRetention
from afterclass.spaces.tests.factories import add_member, make_space


def _old(post: Post) -> None:
    moment = timezone.now() - timedelta(days=500)
    Post.objects.filter(pk=post.pk).update(created_at=moment, last_activity_at=moment)


def test_admin_previews_and_switches_on_a_retention_rule(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    do_update_organisation(actor=admin, name="Northwind")
    sam = PersonFactory(display_name="Sam Rivera")
    finance = make_space(admin, name="Finance club", slug="finance-club")
    tips = make_space(admin, name="Excel tips for everyone in the organisation", slug="excel")
    for space in (finance, tips):
        add_member(space, sam)
        old = make_post(space, sam, title=f"An old thread in {space.name}")
        make_comment(old, admin, "An old answer")
        _old(old)
        make_post(space, sam, title="A fresh one")

    page = open_page(as_person=admin)
    page.goto("/manage/people/")
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention", level=1)).to_be_visible()
    page.get_by_label("Threads with no activity for a while are").select_option("delete")
    page.get_by_label("After how many months without activity").fill("12")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("table.retention-preview")
    expect(preview).to_be_visible()
    expect(preview.get_by_role("row", name="Finance club")).to_contain_text("1")
    assert not OrganisationRetention.objects.exists()
    snap(page, "retention-preview-desktop")
    check_page(page, "retention preview")

    page.get_by_role("button", name="Switch this rule on").click()
    expect(page.locator("#rule-in-force")).to_have_text(
        "Delete threads with no activity for 12 months"
    )
    assert OrganisationRetention.objects.get().months == 12
    snap(page, "retention-switched-on")

    # A space of its own: archive after 6 months, previewed first; then a legal hold.
    page.goto("/spaces/finance-club/settings/")
    page.get_by_role("link", name="See this space's retention").click()
    page.get_by_label("Threads in this space with no activity for a while are").select_option(
        "archive"
    )
    page.get_by_label("After how many months without activity").fill("6")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("table.retention-preview")).to_be_visible()
    page.get_by_role("button", name="Switch this rule on").click()
    expect(page.locator("#rule-in-force")).to_have_text(
        "Archive threads with no activity for 6 months"
    )
    page.get_by_label("Why (a matter or request, kept in the audit log)").fill("Matter 2026-14")
    page.get_by_role("button", name="Put on legal hold").click()
    expect(page.get_by_role("button", name="Lift the legal hold")).to_be_visible()
    assert SpaceRetention.objects.get(space=finance).legal_hold
    snap(page, "retention-space-desktop")
    check_page(page, "space retention")

    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto("/manage/retention/")
    phone.get_by_role("button", name="Preview").click()
    expect(phone.locator("table.retention-preview")).to_be_visible()
    assert horizontal_overflow(phone) is None, horizontal_overflow(phone)
    snap(phone, "retention-preview-phone")
    narrow = open_page(as_person=admin, viewport={"width": 320, "height": 640})
    narrow.goto("/spaces/finance-club/retention/")
    assert horizontal_overflow(narrow) is None, horizontal_overflow(narrow)
    snap(narrow, "retention-space-320")
