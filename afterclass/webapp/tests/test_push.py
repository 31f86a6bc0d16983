"""Web Push against a real push service on loopback: what is sent (decrypted with the browser's
keys), to whom, once, and what happens when the service refuses."""

import base64
import datetime
import json

import http_ece
import pytest
from django.utils import timezone

from afterclass.notifications.actions import notify
from afterclass.notifications.fanout import Notice
from afterclass.notifications.models import Channel, Notification, NotificationPreference
from afterclass.notifications.push import push_delivery
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import ContentState, Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.webapp.actions import do_save_push_subscription
from afterclass.webapp.models import PushDelivery, PushSubscription
from afterclass.webapp.pushing import StillClaimed, queue_deliveries, send_delivery
from afterclass.webapp.tasks import queue_pushes

pytestmark = pytest.mark.django_db

MESSAGE = "Olive Owner mentioned you in “Budget questions”"


def subscribe(person, keys, endpoint):
    return do_save_push_subscription(
        actor=person, endpoint=endpoint, p256dh=keys.p256dh, auth=keys.auth, label="Chrome on Linux"
    )


def tell(person, django_capture_on_commit_callbacks, *, kind="mention", url="/spaces/x/"):
    with django_capture_on_commit_callbacks(execute=True):
        notify(Notice(kind=kind, message=MESSAGE, url=url), [person.pk])
    return Notification.objects.get(recipient=person)


def decrypt(keys, body: bytes) -> dict:
    plain = http_ece.decrypt(
        body, private_key=keys.private_key, auth_secret=keys.auth_secret, version="aes128gcm"
    )
    return json.loads(plain)


def jwt_claims(authorization: str) -> dict:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    claims = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))


def test_notifications_push_through_the_web_apps_task():
    # Registered by WebappConfig.ready(): notifications imports nothing of the web app.
    assert push_delivery() == queue_pushes.enqueue


def test_push_carries_only_the_notifications_text_and_link(
    push_service, vapid_pair, browser_keys, django_capture_on_commit_callbacks
):
    person = PersonFactory(display_name="Rita Reader")
    NotificationPreference.objects.create(person=person, kind="mention", channel=Channel.PUSH)
    device = subscribe(person, browser_keys, push_service.endpoint("rita"))

    notification = tell(person, django_capture_on_commit_callbacks)

    assert notification.channel == Channel.PUSH
    [request] = push_service.received
    assert request["path"] == "/push/rita"
    assert decrypt(browser_keys, request["body"]) == {
        "text": MESSAGE,
        "url": f"/notifications/{notification.pk}/open/",
    }
    headers = request["headers"]
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    assert headers["topic"] == f"n{notification.pk}"
    assert f"k={vapid_pair.public_key}" in headers["authorization"]
    claims = jwt_claims(headers["authorization"])
    assert claims["aud"] == push_service.url
    assert claims["sub"].startswith("mailto:")
    delivery = PushDelivery.objects.get()
    assert delivery.sent_at is not None
    assert delivery.attempts == 1
    device.refresh_from_db()
    assert device.last_success_at is not None


def test_push_goes_to_every_device_of_the_person_and_no_one_else(
    push_service, vapid_pair, browser_keys, django_capture_on_commit_callbacks
):
    person, other = PersonFactory(), PersonFactory()
    NotificationPreference.objects.create(person=person, kind="mention", channel=Channel.PUSH)
    subscribe(person, browser_keys, push_service.endpoint("phone"))
    subscribe(person, browser_keys, push_service.endpoint("laptop"))
    subscribe(other, browser_keys, push_service.endpoint("other"))

    tell(person, django_capture_on_commit_callbacks)

    assert sorted(r["path"] for r in push_service.received) == ["/push/laptop", "/push/phone"]


def test_no_push_for_a_kind_not_set_to_push(
    push_service, vapid_pair, browser_keys, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    subscribe(person, browser_keys, push_service.endpoint("rita"))

    notification = tell(person, django_capture_on_commit_callbacks)

    assert notification.channel == Channel.EMAIL_NOW  # the mention's default
    assert push_service.received == []
    assert not PushDelivery.objects.exists()


def test_gone_subscription_is_removed(
    push_service, vapid_pair, browser_keys, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    NotificationPreference.objects.create(person=person, kind="mention", channel=Channel.PUSH)
    subscribe(person, browser_keys, push_service.endpoint("expired"))
    push_service.answers["/push/expired"] = 410

    tell(person, django_capture_on_commit_callbacks)

    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()
    assert not PushDelivery.objects.exists()


def test_not_found_subscription_is_removed(push_service, vapid_pair, browser_keys):
    person = PersonFactory()
    device = subscribe(person, browser_keys, push_service.endpoint("unknown"))
    push_service.answers["/push/unknown"] = 404
    notification = Notification.objects.create(
        recipient=person, kind="mention", channel=Channel.PUSH, message=MESSAGE, url="/"
    )
    delivery = PushDelivery.objects.create(notification=notification, subscription=device)

    assert send_delivery(delivery.pk) == "expired"
    assert not PushSubscription.objects.exists()


def test_a_failure_is_retried_and_sent_once(push_service, vapid_pair, browser_keys):
    person = PersonFactory()
    device = subscribe(person, browser_keys, push_service.endpoint("flaky"))
    push_service.answers["/push/flaky"] = [500, 201]
    notification = Notification.objects.create(
        recipient=person, kind="mention", channel=Channel.PUSH, message=MESSAGE, url="/"
    )
    [delivery_id] = _deliveries(notification, device)

    with pytest.raises(Exception, match="500"):
        send_delivery(delivery_id)
    failed = PushDelivery.objects.get(pk=delivery_id)
    assert failed.sent_at is None
    assert failed.claimed_until is None  # released: the retry may claim it at once
    assert "500" in failed.last_error

    assert send_delivery(delivery_id) == "sent"
    assert send_delivery(delivery_id) == "done already"
    assert [r["path"] for r in push_service.received] == ["/push/flaky", "/push/flaky"]
    assert PushDelivery.objects.get(pk=delivery_id).attempts == 2


def test_a_sender_killed_after_its_claim_is_retried_after_the_lease_without_a_duplicate(
    push_service, vapid_pair, browser_keys
):
    person = PersonFactory()
    device = subscribe(person, browser_keys, push_service.endpoint("rita"))
    notification = Notification.objects.create(
        recipient=person, kind="mention", channel=Channel.PUSH, message=MESSAGE, url="/"
    )
    [delivery_id] = _deliveries(notification, device)
    # A worker claimed it and died before sending: nobody else sends while the claim holds.
    PushDelivery.objects.filter(pk=delivery_id).update(
        claimed_until=timezone.now() + datetime.timedelta(seconds=30), attempts=1
    )
    with pytest.raises(StillClaimed):
        send_delivery(delivery_id)
    assert push_service.received == []

    # Its lease runs out: the retry sends it, and every later run (the queueing task run again
    # too) sends nothing more.
    PushDelivery.objects.filter(pk=delivery_id).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert send_delivery(delivery_id) == "sent"
    assert queue_deliveries(notification.notice_key) == []
    assert send_delivery(delivery_id) == "done already"
    assert PushDelivery.objects.count() == 1
    assert len(push_service.received) == 1


def test_the_queueing_task_run_twice_writes_each_delivery_once(
    push_service, vapid_pair, browser_keys, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    NotificationPreference.objects.create(person=person, kind="mention", channel=Channel.PUSH)
    subscribe(person, browser_keys, push_service.endpoint("rita"))
    notification = tell(person, django_capture_on_commit_callbacks)

    assert queue_deliveries(notification.notice_key) == []
    assert PushDelivery.objects.count() == 1
    assert len(push_service.received) == 1


def test_push_is_withheld_when_the_post_is_hidden_before_it_is_sent(
    push_service, vapid_pair, browser_keys
):
    owner = PersonFactory()
    space = make_space(owner)
    reader = add_member(space, PersonFactory()).person
    post = make_post(space, owner)
    device = subscribe(reader, browser_keys, push_service.endpoint("rita"))
    notification = Notification.objects.create(
        recipient=reader, kind="new_post", channel=Channel.PUSH, message="A new post",
        url=f"/posts/{post.pk}/", space=space, post=post,
    )  # fmt: skip
    [delivery_id] = _deliveries(notification, device)
    Post.objects.filter(pk=post.pk).update(state=ContentState.HIDDEN)

    assert send_delivery(delivery_id) == "withheld"
    assert push_service.received == []
    assert send_delivery(delivery_id) == "done already"


def test_push_is_withheld_when_the_device_changed_hands(push_service, vapid_pair, browser_keys):
    first, second = PersonFactory(), PersonFactory()
    device = subscribe(first, browser_keys, push_service.endpoint("shared"))
    notification = Notification.objects.create(
        recipient=first, kind="mention", channel=Channel.PUSH, message=MESSAGE, url="/"
    )
    [delivery_id] = _deliveries(notification, device)
    subscribe(second, browser_keys, push_service.endpoint("shared"))  # signed in after

    assert send_delivery(delivery_id) == "withheld"
    assert push_service.received == []


def _deliveries(notification, device):
    Notification.objects.filter(pk=notification.pk).update(notice_key=f"k{notification.pk}")
    return queue_deliveries(f"k{notification.pk}")
