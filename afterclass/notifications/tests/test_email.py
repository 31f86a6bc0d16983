"""Immediate notification e-mails and the one-click unsubscribe: content in HTML and text, the
RFC 8058 headers, nobody deactivated or opted out, and links that work only for their owner."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from afterclass.notifications.actions import do_set_email_settings
from afterclass.notifications.email import (
    UNSUBSCRIBE_SALT,
    person_for_unsubscribe,
    queue_pending,
    send_pending,
    unsubscribe_token,
)
from afterclass.notifications.models import Channel, EmailSettings, Notification, NotificationKind
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_post
from afterclass.posts.models import PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings, db):
    settings.SITE_URL = "https://afterclass.example.org"
    Organisation.current()


@pytest.fixture
def person(db):
    return PersonFactory(email="mina@example.org", display_name="Mina Member")


def tell(person, message="Olive mentioned you in “Dashboards”", **fields):
    fields.setdefault("kind", NotificationKind.MENTION)
    fields.setdefault("channel", Channel.EMAIL_NOW)
    fields.setdefault("url", "/posts/7/")
    return Notification.objects.create(recipient=person, message=message, **fields)


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_send_pending_mails_html_and_text_with_unsubscribe_headers(person):
    notification = tell(person)
    assert send_pending() == 1
    [message] = mail.outbox
    assert message.to == ["mina@example.org"]
    assert message.subject == "Olive mentioned you in “Dashboards”"
    assert "Olive mentioned you in “Dashboards”" in message.body
    assert "https://afterclass.example.org/posts/7/" in message.body
    html = html_of(message)
    assert 'href="https://afterclass.example.org/posts/7/"' in html
    link = f"https://afterclass.example.org/notifications/unsubscribe/{unsubscribe_token(person)}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert link in html
    # one plain header line, not folded into an encoded word mail clients cannot read
    raw = message.message().as_bytes().decode()
    assert f"List-Unsubscribe: <{link}>" in raw
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert send_pending() == 0
    assert len(mail.outbox) == 1


def test_send_pending_escapes_the_message_in_html(person):
    tell(person, "Eve mentioned you in “<script>alert(1)</script>”")
    send_pending()
    html = html_of(mail.outbox[0])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_send_pending_skips_other_channels(person):
    tell(person, channel=Channel.IN_APP)
    tell(person, channel=Channel.EMAIL_DIGEST)
    assert send_pending() == 0
    assert mail.outbox == []


def test_send_pending_never_mails_deactivated_people_or_no_email(person):
    gone = PersonFactory(is_active=False)
    quiet = PersonFactory()
    do_set_email_settings(actor=quiet, no_email=True)
    skipped = [tell(gone), tell(quiet)]
    sent = tell(person)
    assert send_pending() == 1
    assert [m.to for m in mail.outbox] == [[person.email]]
    # handled, so that they are not sent once e-mail is turned back on
    assert all(Notification.objects.get(pk=n.pk).emailed_at for n in [*skipped, sent])


def test_send_pending_skips_content_hidden_since(person):
    owner = PersonFactory()
    space = make_space(owner)
    add_member(space, person)
    post = make_post(space, owner, title="Soon hidden")
    tell(person, space=space, post=post)
    do_hide_post(post, reason="Off topic", actor=owner)
    assert send_pending() == 0
    assert mail.outbox == []


def test_queue_pending_batches_with_bounded_queries(person, django_assert_num_queries):
    for number in range(30):
        tell(PersonFactory(), f"Note {number}")
    # organisation, pending ids, rows, then in a savepoint: keys already queued, the insert,
    # emailed_at; then the empty pending ids
    with django_assert_num_queries(9):
        assert queue_pending() == 30
    assert mail.outbox == []  # queued, not sent: the outbox sends
    assert send_pending() == 0  # nothing queued twice
    assert len(mail.outbox) == 30


def test_mention_by_email_at_once_end_to_end(person, django_capture_on_commit_callbacks):
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    add_member(space, person)
    asker = add_member(space, PersonFactory(display_name="Secret Asker")).person
    with django_capture_on_commit_callbacks(execute=True):
        question = make_post(
            space, asker, kind=PostKind.QUESTION, title="A delicate question", anonymous=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(question, asker, "@mina what do you think?")
    mails = [m for m in mail.outbox if m.to == [person.email]]
    assert any("A colleague mentioned you" in m.subject for m in mails), "mailed at once"
    for message in mails:
        assert "Secret Asker" not in message.body
        assert "Secret Asker" not in html_of(message)
        assert "Secret Asker" not in message.subject


# --- Unsubscribe ----------------------------------------------------------------------------


def test_unsubscribe_get_asks_then_post_stops_email_signed_out(client, person):
    url = reverse("unsubscribe", args=[unsubscribe_token(person)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop all e-mail" in page.content.decode()
    assert not EmailSettings.objects.filter(person=person, no_email=True).exists()
    done = client.post(url)
    assert done.status_code == 200
    assert EmailSettings.objects.get(person=person).no_email is True


def test_unsubscribe_one_click_post_needs_no_csrf_token(person):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("unsubscribe", args=[unsubscribe_token(person)])
    response = client.post(url, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    assert EmailSettings.objects.get(person=person).no_email is True


def test_unsubscribe_changes_only_the_tokens_owner(client, person):
    signed_in_person = PersonFactory()
    client.force_login(signed_in_person)
    client.post(reverse("unsubscribe", args=[unsubscribe_token(person)]))
    assert EmailSettings.objects.get(person=person).no_email is True
    assert not EmailSettings.objects.filter(person=signed_in_person, no_email=True).exists()


@pytest.mark.parametrize(
    "token",
    [
        "tampered",
        "1:abc",
        signing.Signer(salt="another.purpose").sign("1"),
        signing.Signer(salt=UNSUBSCRIBE_SALT).sign("not-a-number"),
    ],
)
def test_unsubscribe_tampered_or_foreign_token_is_404(client, person, token):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("unsubscribe", args=[token]))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    assert not EmailSettings.objects.filter(no_email=True).exists()


def test_unsubscribe_token_with_another_persons_id_is_refused(person):
    token = unsubscribe_token(person)
    other = PersonFactory()
    forged = f"{other.pk}:{token.split(':', 1)[1]}"
    assert person_for_unsubscribe(forged) is None
    assert person_for_unsubscribe(token) == person
