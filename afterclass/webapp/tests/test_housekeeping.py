"""Web Push housekeeping: old deliveries and deactivated people's devices are forgotten (a daily
job, and at once on deactivation), a device signing out is told to the server (base.html's
hook for register.js), and a subscription may only point at a push service on the internet."""

import socket
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from afterclass.notifications.models import Channel, Notification
from afterclass.people.actions.people import do_set_active
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.webapp import forms as push_forms
from afterclass.webapp import pushing
from afterclass.webapp.actions import KEEP_DELIVERIES, do_prune_push
from afterclass.webapp.forms import PRIVATE_NETWORK, check_endpoint
from afterclass.webapp.models import PushDelivery, PushSubscription
from afterclass.webapp.tasks import prune_push
from afterclass.worker.schedule import DAY, SCHEDULE

pytestmark = pytest.mark.django_db


def device(person, name="a"):
    return PushSubscription.objects.create(
        person=person, endpoint=f"https://push.example.net/{name}", p256dh="k", auth="s"
    )


def delivery(subscription, age):
    notification = Notification.objects.create(
        recipient=subscription.person, kind="mention", channel=Channel.PUSH, message="Hi", url="/"
    )
    return PushDelivery.objects.create(
        notification=notification, subscription=subscription, created_at=timezone.now() - age
    )


def test_do_prune_push_forgets_old_deliveries_and_deactivated_devices():
    active, gone = PersonFactory(), PersonFactory()
    mine, theirs = device(active, "mine"), device(gone, "theirs")
    old = delivery(mine, KEEP_DELIVERIES + timedelta(hours=1))
    recent = delivery(mine, KEEP_DELIVERIES - timedelta(hours=1))
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)  # deactivated long ago

    assert do_prune_push(timezone.now()) == (1, 1)
    assert list(PushDelivery.objects.all()) == [recent]
    assert list(PushSubscription.objects.all()) == [mine]
    assert not PushDelivery.objects.filter(pk=old.pk).exists()
    assert not PushSubscription.objects.filter(pk=theirs.pk).exists()


def test_prune_push_runs_daily_from_the_schedule():
    jobs = [job for job in SCHEDULE if job.task_path == "afterclass.webapp.tasks.prune_push"]
    assert len(jobs) == 1
    assert jobs[0].every == DAY
    assert prune_push.call() == "0 deliveries, 0 devices deleted"


def test_deactivating_a_person_forgets_their_devices_at_once():
    admin, person, other = AdminFactory(), PersonFactory(), PersonFactory()
    device(person, "phone")
    delivery(device(person, "laptop"), timedelta(0))
    kept = device(other, "other")
    do_set_active(person, False, actor=admin)
    assert list(PushSubscription.objects.all()) == [kept]
    assert not PushDelivery.objects.exists()
    # Reactivated, they turn push on again themselves: nothing comes back.
    do_set_active(person, True, actor=admin)
    assert list(PushSubscription.objects.all()) == [kept]


def test_the_sign_out_form_tells_register_js_where_to_turn_push_off(client):
    client.force_login(PersonFactory())
    body = client.get(reverse("my-profile")).content.decode()
    assert (
        f'action="{reverse("account_logout")}" data-sign-out '
        f'data-push-unsubscribe="{reverse("push-unsubscribe")}"'
    ) in body


def resolving_to(monkeypatch, *addresses):
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(push_forms.socket, "getaddrinfo", fake)


@pytest.mark.parametrize(
    ("endpoint", "said"),
    [
        ("http://push.example.net/x", "https address"),
        ("https://printer.local/x", PRIVATE_NETWORK),
        ("https://push.internal/x", PRIVATE_NETWORK),
        ("https://push.localhost/x", PRIVATE_NETWORK),
        ("https://localhost./x", PRIVATE_NETWORK),
        ("https://router.home.arpa/x", PRIVATE_NETWORK),
        ("https://[::1]/x", "not a number"),
        ("https://10.0.0.7/x", "not a number"),
        ("https://127.0.0.1/x", "not a number"),
        ("http://127.0.0.1:8080/x", "https address"),
    ],
)
def test_check_endpoint_refuses_what_is_not_a_push_service_on_the_internet(endpoint, said):
    with pytest.raises(forms.ValidationError) as refused:
        check_endpoint(endpoint)
    assert said in refused.value.messages[0]


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "192.168.1.5", "172.16.0.9", "127.0.0.1", "169.254.169.254", "::1"]
)
def test_check_endpoint_refuses_a_name_on_a_private_network(monkeypatch, address):
    resolving_to(monkeypatch, "142.250.1.1", address)
    with pytest.raises(forms.ValidationError) as refused:
        check_endpoint("https://push.example.net/x")
    assert refused.value.messages == [PRIVATE_NETWORK]


def test_check_endpoint_takes_a_name_on_the_internet_or_one_not_found(monkeypatch):
    resolving_to(monkeypatch, "142.250.1.1", "2a00:1450:4009:81a::200a")
    assert check_endpoint("https://fcm.googleapis.com/x") == "https://fcm.googleapis.com/x"

    def not_found(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(push_forms.socket, "getaddrinfo", not_found)
    assert check_endpoint("https://push.example.net/x") == "https://push.example.net/x"


def test_loopback_only_with_the_setting(settings):
    settings.AFTERCLASS_PUSH_ALLOW_LOOPBACK = False
    with pytest.raises(forms.ValidationError):
        check_endpoint("http://127.0.0.1:8080/push/a")
    settings.AFTERCLASS_PUSH_ALLOW_LOOPBACK = True
    assert check_endpoint("http://127.0.0.1:8080/push/a") == "http://127.0.0.1:8080/push/a"


def test_subscribing_a_private_push_service_is_a_400_that_says_why(client, monkeypatch):
    resolving_to(monkeypatch, "10.0.0.5")
    client.force_login(PersonFactory())
    response = client.post(
        reverse("push-subscribe"),
        {"endpoint": "https://push.corp.example/x", "keys": {"p256dh": "x", "auth": "y"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert PRIVATE_NETWORK in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_push_service_moved_to_a_private_network_is_not_sent_to(monkeypatch):
    person = PersonFactory()
    sent = delivery(device(person, "moved"), timedelta(0))
    resolving_to(monkeypatch, "192.168.0.10")  # the name now points inside the network

    def no_sending(*args, **kwargs):
        raise AssertionError("nothing may be sent to a private network")

    monkeypatch.setattr(pushing, "webpush", no_sending)
    assert pushing.send_delivery(sent.pk) == "refused"
    sent.refresh_from_db()
    assert sent.sent_at is not None
    assert sent.last_error == f"Not sent: {PRIVATE_NETWORK}"
