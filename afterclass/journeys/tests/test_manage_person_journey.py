"""A person's Manage page fits a 320 px phone whatever their address: a long e-mail (the test
factories' person4123@… in a full run) had pushed it sideways, as real addresses would."""

from afterclass.journeys.tests.browser import check_page
from afterclass.people.tests.factories import AdminFactory, PersonFactory


def test_a_long_address_wraps_on_a_phone(open_page):
    admin = AdminFactory(display_name="Alex Morgan")
    mia = PersonFactory(display_name="Mia Mine", email="person41234567@example.org")
    page = open_page(as_person=admin, viewport={"width": 320, "height": 640})
    page.goto(f"/manage/people/{mia.pk}/")
    check_page(page, "a person with a long address, 320 px")
