"""Template helpers for pages that show posts: "Report" beside a post (its form) or a comment (a
link to its report page, which htmx loads in place when opened)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from afterclass.moderation.access import can_report
from afterclass.moderation.models import ReportReason
from afterclass.posts.presentation import SeenComment, SeenPost

register = template.Library()


@register.inclusion_tag("moderation/_report_form.html", takes_context=True)
def report_form(context: template.Context, target: SeenPost | SeenComment) -> dict[str, Any]:
    """The form, when the viewer may report `target` (no query: the page's space is annotated
    with the viewer's membership); nothing otherwise."""
    space = context.get("space")
    viewer = context.get("user")
    if space is None or not can_report(viewer, target, space):
        return {"show": False}
    is_post = isinstance(target, SeenPost)
    return {
        "show": True,
        "target": target,
        "noun": "post" if is_post else "comment",
        "url": reverse("post-report" if is_post else "comment-report", args=[target.pk]),
        "reasons": ReportReason.choices,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def reportable(context: template.Context, target: SeenPost | SeenComment) -> bool:
    """Whether the viewer may report `target` (no query, as `report_form`): a thread shows each
    comment a "Report" disclosure whose form is loaded only when opened."""
    space = context.get("space")
    return space is not None and can_report(context.get("user"), target, space)
