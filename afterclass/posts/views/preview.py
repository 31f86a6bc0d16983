"""The editor's Preview tab: what a text would look like as a post or a comment in a space,
rendered by the same pipeline that renders saved posts (Markdown, sanitised, #hashtags and
@mentions linked). It only renders: nothing is written and nobody is told about a mention."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from afterclass.core.errors import InvalidInput
from afterclass.core.http import SignedInRequest
from afterclass.core.validation import clean_text
from afterclass.posts.mentions import render_text
from afterclass.spaces.access import access_space, check_can_view_content

# The longest text anyone may write: a post's body (a comment's is shorter).
MAX_PREVIEW_LENGTH = 20000


@login_required
@require_POST
@never_cache
def preview(request: SignedInRequest, slug: str) -> HttpResponse:
    """The sanitised HTML of `text` as a post in this space would show it (editor.js puts it
    in the Preview tab); 400 with a sentence for a person when the text cannot be a post."""
    space = access_space(request.user, slug)
    check_can_view_content(request.user, space)
    try:
        text = clean_text(
            request.POST.get("text", ""), "text", max_length=MAX_PREVIEW_LENGTH, required=False
        )
    except InvalidInput as error:
        return HttpResponse(format_html('<p class="error">{}</p>', error.message), status=400)
    if not text:
        return HttpResponse('<p class="muted">Nothing to preview yet.</p>')
    return HttpResponse(render_text(text, space).html)
