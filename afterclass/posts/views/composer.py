"""The composer at the top of the feed and of a space home: a bar that opens in place (htmx) into
the new-post form, with the space chosen in it on the feed, and posts without leaving the page.

It is the new-post page's form (posts.forms.PostForm, the same kinds, files and checks) and its
write (compose._create: do_create_post, or do_create_poll for a poll). One URL answers the full
page (without JavaScript: a plain form that redirects back), the opened composer (htmx) and the
post (htmx: the new card, the composer emptied). A form carries a one-time key: a double click
or a retry posts once, by the API's idempotency keys (api.idempotency).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from afterclass.api.idempotency import (
    Asked,
    answer_to_earlier,
    claim_key,
    keep_answer,
    parse_key,
    release_key,
)
from afterclass.attachments.actions import do_discard_uploads
from afterclass.attachments.queries import waiting_uploads
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.http import SignedInRequest
from afterclass.core.updates import announce
from afterclass.people.models import Person
from afterclass.posts.access import can_moderate_space
from afterclass.posts.drafts import do_discard_drafts_of_post
from afterclass.posts.forms import PostForm, show_action_error, writable_kinds
from afterclass.posts.models import Post, PostKind
from afterclass.posts.queries import present
from afterclass.posts.views.compose import _create, _send_files, _slots, _upload_context
from afterclass.spaces.access import access_space, check_can_participate, check_can_view_content
from afterclass.spaces.models import Membership, Space

ONCE_FIELD = "once"
POSTED_EVENT = "composer-posted"
FIRST_FIELD = (
    "#composer-form select, #composer-form input:not([type=hidden]), #composer-form textarea"
)
ALREADY_SENT = (
    "This form was sent already. Look for your post in the list; to post something else, "
    "send this one again."
)


def postable_spaces(viewer: Person) -> list[Space]:
    """The spaces the viewer may post in now, by name: of the spaces they may see and are an
    active member of, those the participation rule (spaces.access.check_can_participate) lets
    them write in, with at least one kind they may write there (posts.forms.writable_kinds)."""
    spaces = (
        Space.objects.visible_to(viewer)
        .with_membership_of(viewer)
        .filter(pk__in=Membership.objects.active_in(person=viewer).values("space_id"))
        .order_by("name", "pk")
    )
    return [space for space in spaces if _kinds(viewer, space)]


def _kinds(viewer: Person, space: Space) -> list[str]:
    """The kinds the viewer may write in the space now; none when they may not take part."""
    try:
        check_can_participate(viewer, space)
    except NotAllowed:
        return []
    return writable_kinds(space, moderator=can_moderate_space(viewer, space))


def draft_prefix(viewer: Person, space: Space | None = None) -> str:
    """How composer.js names the drafts it keeps in the browser: per person, space and kind."""
    return f"afterclass-draft:{viewer.pk}:" + (f"{space.slug}:" if space else "")


@dataclass(frozen=True)
class ComposerBar:
    """The closed composer: what it offers, where it opens, and why not when it cannot."""

    at: str  # the space home it sits on ("" on the feed)
    asks: bool
    tips: bool
    drafts: str
    can_post: bool
    refusal: str = ""

    def _opening(self, kind: str = "") -> str:
        query = {"at": self.at} if self.at else {}
        return reverse("composer") + "?" + urlencode({**query, "kind": kind, "open": "1"})

    @property
    def ask_url(self) -> str:
        return self._opening(PostKind.QUESTION)

    @property
    def tip_url(self) -> str:
        return self._opening(PostKind.UPDATE)

    @property
    def post_url(self) -> str:
        return self._opening()


def feed_bar(viewer: Person) -> ComposerBar:
    """The feed's composer bar (one query: the spaces the viewer may post in)."""
    kinds = {kind for space in postable_spaces(viewer) for kind in _kinds(viewer, space)}
    return ComposerBar(
        at="",
        asks=PostKind.QUESTION in kinds,
        tips=PostKind.UPDATE in kinds,
        drafts=draft_prefix(viewer),
        can_post=bool(kinds),
    )


def space_bar(viewer: Person, space: Space) -> ComposerBar | None:
    """A space home's composer bar (no query: the space carries the viewer's membership); None
    for a person who is not a member, a member who cannot post now gets the reason."""
    try:
        check_can_participate(viewer, space)
    except NotAllowed as error:
        if not getattr(space, "is_member", False):
            return None
        refusal = error.message
    else:
        refusal = ""
    kinds = _kinds(viewer, space)
    return ComposerBar(
        at=space.slug,
        asks=PostKind.QUESTION in kinds,
        tips=PostKind.UPDATE in kinds,
        drafts=draft_prefix(viewer, space),
        can_post=bool(kinds),
        refusal=refusal,
    )


@dataclass
class Composer:
    """The open composer: the space and kind chosen, the others offered, and its form."""

    at: str  # the space home it sits on ("" on the feed)
    space: Space
    spaces: list[Space]  # the feed's choice of spaces (empty on a space home)
    kinds: list[str]
    kind: str
    form: PostForm
    once: str

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        return [(value, str(PostKind(value).label)) for value in self.kinds]

    @property
    def back(self) -> str:
        """Where the page without JavaScript goes after posting: where the composer was."""
        return reverse("space-home", args=[self.at]) if self.at else reverse("home-feed")


def _choose(spaces: list[Space], slug: str, kind: str) -> Space | None:
    """The space asked for, else the first that takes the kind asked for, else the first."""
    for space in spaces:
        if space.slug == slug:
            return space
    return next((s for s in spaces if kind in s.allowed_post_kinds), spaces[0] if spaces else None)


def _open(request: SignedInRequest, data: QueryDict) -> Composer | None:
    """The composer asked for by a GET: None on the feed when there is no space to post in."""
    viewer = request.user
    at = data.get("at", "")
    if at:
        return _sent(request, data, bound=False)
    spaces = postable_spaces(viewer)
    space = _choose(spaces, data.get("space", ""), data.get("kind", ""))
    if space is None:
        return None
    return _build(request, data, space, spaces, bound=False)


def _sent(request: SignedInRequest, data: QueryDict, *, bound: bool = True) -> Composer:
    """The composer for the space named in `data` (a post sent, or a space home's composer).

    The space is loaded through access_space (404 for a space the viewer may not know exists,
    403 for one whose content they may not see, as on the new-post page); whether they may post
    in it is the action's to say."""
    viewer = request.user
    at = data.get("at", "")
    space = access_space(viewer, at or data.get("space", ""))
    check_can_view_content(viewer, space)
    spaces = [] if at else postable_spaces(viewer)
    if not at and space.pk not in {s.pk for s in spaces}:
        spaces = [*spaces, space]  # shown as sent, with the action's refusal
    return _build(request, data, space, spaces, bound=bound)


def _build(
    request: SignedInRequest, data: QueryDict, space: Space, spaces: list[Space], *, bound: bool
) -> Composer:
    kinds = writable_kinds(space, moderator=can_moderate_space(request.user, space))
    wanted = data.get("kind", "")
    kind = wanted if wanted in kinds else (kinds[0] if kinds else "")
    form = PostForm(
        data if bound else None,
        request.FILES if bound else None,
        space=space,
        kinds=kinds,
        kind=kind,
        slots=_slots(data.get("slots")),
        auto_id="composer_%s",
        initial={"title": data.get("title", ""), "body": data.get("body", "")},
    )
    return Composer(data.get("at", ""), space, spaces, kinds, kind, form, once=uuid.uuid4().hex)


def _context(request: SignedInRequest, composer: Composer | None, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"composer": composer, **_upload_context(), **extra}
    if composer is not None:
        form = composer.form
        form.waiting = waiting_uploads(request.user, form.upload_ids())
        context.update(
            form=form,
            draft_key=draft_prefix(request.user, composer.space) + composer.kind,
            refusal=_refusal(request.user, composer.space),
        )
    return context


def _refusal(viewer: Person, space: Space) -> str:
    try:
        check_can_participate(viewer, space)
    except NotAllowed as error:
        return error.message
    return ""


def _page(
    request: SignedInRequest, composer: Composer | None, status: int = 200, **extra: Any
) -> HttpResponse:
    """The opened composer: its fragment for htmx (in place of the bar or of the composer that
    was sent), else the page that holds only it."""
    context = _context(request, composer, **extra)
    if not request.htmx:
        return render(request, "posts/composer.html", context, status=status)
    response = reswap(
        retarget(render(request, "posts/_composer_open.html", context), "#composer"), "outerHTML"
    )
    if request.GET.get("open"):
        # Opened from the bar, whose link is gone: the person goes on in the first field.
        announce(response, "", focus=FIRST_FIELD)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: SignedInRequest) -> HttpResponse:
    if request.method != "POST":
        if request.GET.get("close"):
            return _closed(request)
        return _page(request, _open(request, request.GET))
    return _once(request, lambda: _post(request))


def _closed(request: SignedInRequest) -> HttpResponse:
    """Close the composer: the bar again in its place (htmx), focus on its first link; what was
    typed stays a draft in the browser, offered back on the bar. Without htmx, back to the page
    the composer was on."""
    at = request.GET.get("at", "")
    space = access_space(request.user, at) if at else None
    if not request.htmx:
        return redirect(reverse("space-home", args=[at]) if space else reverse("home-feed"))
    bar = space_bar(request.user, space) if space else feed_bar(request.user)
    if bar is None:  # no longer a member of the space: nothing to write there
        return HttpResponse("")
    response = render(request, "posts/_composer.html#bar", {"composer_bar": bar})
    return announce(response, "", focus="#composer .composer-start, #composer a")


def _post(request: SignedInRequest) -> tuple[HttpResponse, bool]:
    """Write the post the composer sent: (the answer, whether a post was written)."""
    composer = _sent(request, request.POST)
    form = composer.form
    if not form.is_valid():
        return _refused(request, composer, 400), False
    uploads: list[int] = []
    try:
        ids, alt_texts = _send_files(form, request.user, uploads)
        post = _create(form, request.user, ids, alt_texts)
    except (InvalidInput, Conflict, NotAllowed) as error:
        do_discard_uploads(uploads, actor=request.user)
        show_action_error(form, error)
        return _refused(request, composer, error.status), False
    # Its draft on the server is done with (the browser forgets its own on "composer-posted").
    do_discard_drafts_of_post(composer.space, actor=request.user, kind=post.kind)
    if not request.htmx:
        messages.success(request, "Your post is up.")
        return redirect(composer.back), True
    return _posted(request, composer, post), True


def _refused(request: SignedInRequest, composer: Composer, status: int) -> HttpResponse:
    """The composer again with what was typed and why it was refused. For htmx a 200 that puts
    it in place (htmx swaps no 4xx answer), with focus on the first field to mend."""
    response = _page(request, composer, status)
    if request.htmx:
        first = "#composer [aria-invalid=true], #composer .errorlist"
        announce(response, "Your post was not sent: see what to change.", focus=first)
    return response


def _posted(request: SignedInRequest, composer: Composer, post: Post) -> HttpResponse:
    """(htmx) The new post's card for the top of the list and, out of band, the composer
    emptied for the next post (same space and kind, a new one-time key)."""
    seen = present([post], request.user, conversation=True)[0]
    card = render_to_string(
        "posts/_post_item.html",
        {
            "post": seen,
            "layout": composer.space.layout if composer.at else "threads",
            "heading_level": 3 if composer.at else 2,
            "with_space": not composer.at,
        },
        request,
    )
    fresh = QueryDict(mutable=True)
    fresh.update({"at": composer.at, "space": composer.space.slug, "kind": composer.kind})
    empty = _open(request, fresh)
    context = _context(request, empty, oob=True)
    html = card + render_to_string("posts/_composer_open.html", context, request)
    response = reswap(retarget(HttpResponse(html), "#composer-posted"), "afterbegin")
    draft = draft_prefix(request.user, composer.space) + composer.kind
    response = trigger_client_event(response, POSTED_EVENT, {"draft": draft})
    return announce(response, "Your post is up.", focus=f"#post-{post.pk}")


def _once(request: SignedInRequest, run: Callable[[], tuple[HttpResponse, bool]]) -> HttpResponse:
    """Run `run` once per one-time key of the form: a second request with the key (a double
    click, a retry) writes nothing. Only an answer that posted is kept (a refused form may be
    mended and sent again with its key); htmx gets the kept answer again, marked as replayed,
    and the page without JavaScript goes back to where the post now is."""
    key = parse_key(request.POST.get(ONCE_FIELD, ""))
    if key is None:
        response, _posted_now = run()
        return response
    asked = Asked.of(request)
    row, claimed = claim_key(request.user, key, asked)
    if not claimed:
        if not asked.matches(row):
            return _sent_already(request)
        if request.htmx:
            return answer_to_earlier(row, asked)
        at = request.POST.get("at", "")
        return redirect(reverse("space-home", args=[at]) if at else reverse("home-feed"))
    try:
        response, posted = run()
    except BaseException:
        release_key(row)
        raise
    if posted:
        keep_answer(row, response)
    else:
        release_key(row)
    return response


def _sent_already(request: SignedInRequest) -> HttpResponse:
    """The key came back with other words (the form sent, then changed after going back): the
    composer again with what was typed and a new key, nothing written."""
    composer = _sent(request, request.POST)
    composer.form.is_valid()
    composer.form.add_error(None, ALREADY_SENT)
    return _refused(request, composer, 409)
