"""Signing out on a device turns its push notifications off (webapp/register.js): the page tells
the server which subscription is this device's, unsubscribes the browser, then signs out. The
person's other devices, and anyone else's, keep theirs.

A headless browser cannot reach a real push service, so the page's pushManager is given this
device's subscription (its endpoint and an unsubscribe that leaves a mark)."""

import re

import pytest
from playwright.sync_api import expect

from afterclass.people.tests.factories import PersonFactory
from afterclass.webapp.models import PushSubscription

THIS_DEVICE = "https://push.example.net/this-device"

FAKE_SUBSCRIPTION = """
PushManager.prototype.getSubscription = async function () {
  return {
    endpoint: "THIS_DEVICE",
    unsubscribe: async () => { sessionStorage.setItem("unsubscribed", "yes"); return true; },
  };
};
""".replace("THIS_DEVICE", THIS_DEVICE)


@pytest.fixture
def devices(db):
    person, other = PersonFactory(display_name="Priya Shah"), PersonFactory()
    for owner, endpoint in [
        (person, THIS_DEVICE),
        (person, "https://push.example.net/her-phone"),
        (other, "https://push.example.net/someone-else"),
    ]:
        PushSubscription.objects.create(person=owner, endpoint=endpoint, p256dh="k", auth="s")
    return person


def test_signing_out_turns_push_off_for_this_device_only(open_page, devices):
    page = open_page(as_person=devices)
    page.add_init_script(FAKE_SUBSCRIPTION)
    page.goto("/feed/")
    page.evaluate("navigator.serviceWorker.ready")  # register.js registered the worker
    with page.expect_response("**/push/subscriptions/delete/") as told:
        page.get_by_role("button", name="Sign out").click()
    assert told.value.status == 204
    page.wait_for_url(lambda url: "/feed/" not in url)
    assert page.evaluate("sessionStorage.getItem('unsubscribed')") == "yes"
    left = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert left == {"https://push.example.net/her-phone", "https://push.example.net/someone-else"}
    page.goto("/feed/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # signed out indeed


def test_signing_out_without_push_just_signs_out(open_page, devices):
    page = open_page(as_person=devices)
    page.goto("/feed/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/feed/" not in url)  # the form was sent: signed out
    page.goto("/feed/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert PushSubscription.objects.count() == 3
