"""The installable web app in the browser: the manifest is linked and parses, the service worker
registers and controls the page, offline navigation shows the offline page, and no private page
ends up in Cache Storage."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import DESKTOP, PHONE, horizontal_overflow, snap
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.webapp.models import PushSubscription

MANIFEST = """async () => {
  const link = document.querySelector('link[rel="manifest"]');
  const response = await fetch(link.href);
  const manifest = await response.json();
  const icons = await Promise.all(manifest.icons.map(async (icon) => {
    const answer = await fetch(new URL(icon.src, link.href));
    return [icon.sizes, icon.purpose || "any", answer.status, answer.headers.get("content-type")];
  }));
  return { type: response.headers.get("content-type"), manifest, icons };
}"""

# Every response in every Cache Storage cache: its address and whether its body names `secret`.
CACHED = """async (secret) => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const body = await response.clone().text();
      found.push({ cache: name, path: new URL(request.url).pathname,
                   private: body.includes(secret) });
    }
  }
  return found;
}"""


def test_installable_app_works_offline_without_keeping_private_pages(open_page):
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, name="Data skills", slug="data-skills")
    reader = add_member(space, PersonFactory(display_name="Rita Reader")).person
    post = make_post(space, owner, title="Quarterly figures nobody outside may read")
    page = open_page(as_person=reader)
    page.goto("/feed/")

    found = page.evaluate(MANIFEST)
    assert found["type"] == "application/manifest+json"
    assert found["manifest"]["start_url"] == "/feed/"
    assert found["manifest"]["display"] == "standalone"
    assert sorted(found["icons"]) == [
        ["192x192", "any", 200, "image/png"],
        ["192x192", "maskable", 200, "image/png"],
        ["512x512", "any", 200, "image/png"],
        ["512x512", "maskable", 200, "image/png"],
    ]

    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope.endswith("/")
    assert scope.count("/") == 3  # http://host:port/ : the whole site
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    # Private pages, read while online, through the worker.
    page.goto(f"/posts/{post.pk}/")
    expect(
        page.get_by_role("heading", name="Quarterly figures nobody outside may read")
    ).to_be_visible()
    page.goto("/notifications/")

    page.context.set_offline(True)
    page.goto(f"/posts/{post.pk}/")
    expect(page.get_by_role("heading", name="You are offline", level=1)).to_be_visible()
    assert "Quarterly figures" not in page.content()
    page.check_accessibility("offline, in place of a post")
    snap(page, "offline-desktop")

    cached = page.evaluate(CACHED, "Quarterly figures")
    assert cached, "the worker kept nothing, not even its shell"
    paths = sorted(entry["path"] for entry in cached)
    assert all(path.startswith("/static/") or path == "/offline/" for path in paths), paths
    assert not any(entry["private"] for entry in cached), cached
    # Nor the signed-in person's name, which every page's header shows.
    assert not any(entry["private"] for entry in page.evaluate(CACHED, "Rita Reader"))
    page.context.set_offline(False)


def test_offline_page_fits_a_phone(open_page):
    page = open_page(viewport=PHONE)
    page.goto("/offline/")
    expect(page.get_by_role("heading", name="You are offline", level=1)).to_be_visible()
    assert horizontal_overflow(page) is None
    page.set_viewport_size({"width": 320, "height": 700})
    assert horizontal_overflow(page) is None
    page.set_viewport_size(PHONE)
    snap(page, "offline-phone")


# Records each call of pushManager.subscribe (its options) before it goes on to the browser's own.
WATCH_SUBSCRIBE = """
(() => {
  window.pushSubscribeCalls = [];
  const original = PushManager.prototype.subscribe;
  PushManager.prototype.subscribe = function (options) {
    window.pushSubscribeCalls.push({
      userVisibleOnly: options.userVisibleOnly,
      keyLength: new Uint8Array(options.applicationServerKey).length,
      firstByte: new Uint8Array(options.applicationServerKey)[0],
    });
    return FAIL_SUBSCRIBE
      ? Promise.reject(new DOMException("Registration failed - push service error", "AbortError"))
      : original.call(this, options);
  };
})();
"""


INCOGNITO = "does not support the Push API in incognito mode"


def _push_settings_page(open_page, viewport, *, fail: bool):
    person = PersonFactory(display_name="Rita Reader")
    # Playwright's contexts are incognito-like: Chromium refuses the Push API there and logs it.
    page = open_page(as_person=person, viewport=viewport, expected=(INCOGNITO,))
    page.context.grant_permissions(["notifications"])
    page.add_init_script(WATCH_SUBSCRIBE.replace("FAIL_SUBSCRIBE", "true" if fail else "false"))
    page.goto("/notifications/settings/")
    expect(page.get_by_role("heading", name="Push notifications on this device")).to_be_visible()
    expect(page.locator("#push-state")).to_have_text("Push notifications are off for this device.")
    return person, page


def test_push_settings_subscribe_through_the_service_worker(open_page):
    person, page = _push_settings_page(open_page, DESKTOP, fail=False)
    section = page.locator("#push-settings")
    snap(page, "push-settings-desktop")
    # Each kind offers push like e-mail.
    expect(page.locator("#kind-mention").get_by_label("Push to my devices")).to_be_visible()

    page.get_by_role("button", name="Turn on push notifications").click()

    state = page.locator("#push-state")
    expect(state).not_to_have_text(re.compile(r"Turning"))
    [call] = page.evaluate("window.pushSubscribeCalls")
    assert call == {"userVisibleOnly": True, "keyLength": 65, "firstByte": 4}
    text = state.inner_text()
    # Headless Chromium has no push service to reach: subscribing fails, and says so plainly.
    # Where it does succeed, the device is saved for the person.
    if "are on" in text:
        assert PushSubscription.objects.filter(person=person).exists()
        expect(section.get_by_role("button", name="Turn off push notifications")).to_be_visible()
    else:
        assert text.startswith("Push notifications could not be turned on:"), text
        expect(section.get_by_role("button", name="Turn on push notifications")).to_be_enabled()
    snap(page, "push-settings-after-click")


def test_push_settings_say_clearly_when_subscribing_fails_on_a_phone(open_page):
    _, page = _push_settings_page(open_page, PHONE, fail=True)

    page.get_by_role("button", name="Turn on push notifications").click()

    expect(page.locator("#push-state")).to_have_text(
        re.compile(r"^Push notifications could not be turned on: .*Check your connection")
    )
    assert len(page.evaluate("window.pushSubscribeCalls")) == 1
    assert not PushSubscription.objects.exists()
    expect(page.get_by_role("button", name="Turn on push notifications")).to_be_enabled()
    page.locator("#push-settings").scroll_into_view_if_needed()
    snap(page, "push-settings-phone-failed")
    assert horizontal_overflow(page) is None
