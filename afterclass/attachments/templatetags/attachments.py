"""Template filters for files: their permission-checked addresses."""

from django import template

from afterclass.attachments import views
from afterclass.attachments.models import Attachment

register = template.Library()


@register.filter
def file_url(attachment: Attachment) -> str:
    return views.file_url(attachment)


@register.filter
def thumbnail_url(attachment: Attachment) -> str:
    return views.thumbnail_url(attachment) or views.file_url(attachment)
