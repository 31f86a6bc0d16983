"""Background work for people: invitation e-mails."""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string

from afterclass.outbox.actions import queue_emails
from afterclass.outbox.sending import send_queued
from afterclass.people.models import Invitation, Organisation


@task()
def send_invitation_email(invitation_id: int, token: str, inviter_name: str) -> None:
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable:
        return
    organisation = Organisation.current()
    context = {
        "organisation": organisation,
        "invitation": invitation,
        "inviter_name": inviter_name,
        "link": f"{settings.SITE_URL}/invitations/{token}/",
        "days": settings.INVITATION_DAYS,
    }
    message = EmailMessage(
        subject=f"You are invited to {organisation.name} on Afterclass",
        body=render_to_string("people/email/invitation.txt", context),
        to=[invitation.email],
    )
    # One e-mail per invitation link: a task run again after a crash queues nothing twice.
    link_key = hashlib.sha256(token.encode()).hexdigest()[:16]
    queue_emails([(f"invitation:{invitation.pk}:{link_key}", message)])
    send_queued()
