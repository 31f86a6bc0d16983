"""Background work for people: invitation e-mails."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

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
    send_mail(
        subject=f"You are invited to {organisation.name} on Afterclass",
        message=render_to_string("people/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
