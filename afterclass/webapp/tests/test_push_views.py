"""Turning push on and off for a device: the JSON endpoints and the settings section."""

import json

import pytest
from django.test import Client

from afterclass.people.tests.factories import PersonFactory
from afterclass.webapp.models import PushSubscription

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def post(client, path, body, **extra):
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


def subscription(keys, endpoint=ENDPOINT, **more):
    return {"endpoint": endpoint, "keys": {"p256dh": keys.p256dh, "auth": keys.auth}, **more}


def test_subscribing_saves_the_device_for_the_signed_in_person(client: Client, browser_keys):
    person = PersonFactory()
    client.force_login(person)

    response = post(
        client, "/push/subscriptions/", subscription(browser_keys, label="Chrome on Android")
    )

    assert response.status_code == 201
    saved = PushSubscription.objects.get()
    assert (saved.person, saved.endpoint, saved.label) == (person, ENDPOINT, "Chrome on Android")
    # The same device again: still one subscription.
    assert post(client, "/push/subscriptions/", subscription(browser_keys)).status_code == 201
    assert PushSubscription.objects.count() == 1


def test_a_device_subscribed_again_by_someone_else_is_theirs_alone(client: Client, browser_keys):
    first, second = PersonFactory(), PersonFactory()
    client.force_login(first)
    post(client, "/push/subscriptions/", subscription(browser_keys))
    client.force_login(second)
    post(client, "/push/subscriptions/", subscription(browser_keys))

    assert list(PushSubscription.objects.values_list("person", flat=True)) == [second.pk]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"endpoint": "http://push.example.org/x"}, "https"),
        ({"endpoint": "https://10.0.0.7/x"}, "name, not a number"),
        ({"endpoint": "https://localhost/x"}, "not a private network"),
        ({"endpoint": ""}, "endpoint"),
        ({"keys": {"p256dh": "not base64!", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "p256dh"),
        ({"keys": {"p256dh": "BAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "right kind"),
        ({"keys": "nope"}, "p256dh"),
    ],
)
def test_bad_subscriptions_are_refused_with_a_reason(
    client: Client, browser_keys, change, expected
):
    client.force_login(PersonFactory())
    body = {**subscription(browser_keys), **change}

    response = post(client, "/push/subscriptions/", body)

    assert response.status_code == 400
    assert expected in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_body_that_is_not_json_is_refused(client: Client):
    client.force_login(PersonFactory())
    assert client.post("/push/subscriptions/", {"endpoint": ENDPOINT}).status_code == 400
    response = client.post("/push/subscriptions/", "[1, 2", content_type="application/json")
    assert response.status_code == 400
    assert post(client, "/push/subscriptions/", [ENDPOINT]).status_code == 400


def test_signed_out_and_cross_site_requests_are_refused(browser_keys):
    assert post(Client(), "/push/subscriptions/", subscription(browser_keys)).status_code == 403
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(PersonFactory())
    assert post(guarded, "/push/subscriptions/", subscription(browser_keys)).status_code == 403
    assert not PushSubscription.objects.exists()
    assert Client().get("/push/subscriptions/").status_code == 405


def test_unsubscribing_deletes_only_my_own_device(client: Client, browser_keys):
    mine, theirs = PersonFactory(), PersonFactory()
    client.force_login(theirs)
    post(client, "/push/subscriptions/", subscription(browser_keys, endpoint=ENDPOINT + "t"))
    client.force_login(mine)
    post(client, "/push/subscriptions/", subscription(browser_keys))

    assert (
        post(client, "/push/subscriptions/delete/", {"endpoint": ENDPOINT + "t"}).status_code == 404
    )
    assert post(client, "/push/subscriptions/delete/", {"endpoint": ENDPOINT}).status_code == 204
    assert list(PushSubscription.objects.values_list("person", flat=True)) == [theirs.pk]
    assert post(client, "/push/subscriptions/delete/", {}).status_code == 400


def test_settings_page_offers_push_per_kind_and_for_this_device(client: Client, vapid_pair):
    client.force_login(PersonFactory())

    page = client.get("/notifications/settings/").content.decode()

    assert "Push notifications on this device" in page
    assert f'data-key="{vapid_pair.public_key}"' in page
    assert 'data-subscribe-url="/push/subscriptions/"' in page
    assert '<script src="/static/webapp/push.js" defer></script>' in page
    assert 'value="push"' in page
    assert "Push to my devices" in page
