"""The first visit's welcome, steps two and three: spaces suggested to join in one click, then
a first post in a space just joined. Step one and the end are people's (people/views/onboarding).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.http import SignedInRequest, wants_fragment
from afterclass.core.updates import announce
from afterclass.spaces.access import access_space, check_can_join, check_can_participate
from afterclass.spaces.actions import do_accept_rules, do_join_space
from afterclass.spaces.models import Membership, MembershipState, Space, Status
from afterclass.spaces.suggestions import suggested_spaces

MAX_FIRST_POST_SPACES = 5


@login_required
@require_GET
def welcome_spaces(request: SignedInRequest) -> HttpResponse:
    """Step 2: spaces to join, ranked for me, each with why and a one-click join."""
    context = {"suggestions": suggested_spaces(request.user), "step": 2}
    return render(request, "spaces/onboarding/spaces.html", context)


def _join(request: SignedInRequest, space: Space) -> str:
    """Join (or ask to join) and accept the ground rules shown with the button; the outcome."""
    check_can_join(request.user, space)  # its reason first, before the rules'
    shown = request.POST.get("rules_version", "")
    if space.rules_version and shown != str(space.rules_version):
        raise Conflict(
            f"The ground rules of “{space.name}” have changed; read them again before you join."
        )
    membership = do_join_space(space, actor=request.user)
    if membership.state == MembershipState.PENDING:
        return f"Your request to join “{space.name}” is sent. A moderator will look at it soon."
    if space.rules_version:
        do_accept_rules(space, actor=request.user, version=space.rules_version)
    return f"You joined “{space.name}”."


@login_required
@require_POST
def welcome_join(request: SignedInRequest, slug: str) -> HttpResponse:
    """Join a suggested space in one click with the space's own join and rules actions; answers
    the suggestion's new state in place (htmx), or goes back to the list."""
    space = access_space(request.user, slug)
    refused = False
    try:
        outcome = _join(request, space)
    except (NotAllowed, InvalidInput, Conflict) as error:
        outcome, refused = error.message, True
    if not wants_fragment(request):
        (messages.error if refused else messages.success)(request, outcome)
        return redirect("onboarding-spaces")
    space = access_space(request.user, slug)  # with the membership just made
    context = {"space": space, "outcome": outcome, "refused": refused}
    response = render(request, "spaces/onboarding/_joined.html", context)
    return announce(response, outcome, focus=f"#joined-{space.slug}")


def _first_post_spaces(request: SignedInRequest) -> list[Space]:
    """Spaces I am an active member of and may post in now, the most recently joined first."""
    me = request.user
    mine = Membership.objects.active_in(OuterRef("pk"), me)
    spaces = (
        Space.objects.visible_to(me)
        .filter(Exists(mine), status=Status.LAUNCHED)
        .with_membership_of(me)
        .order_by("-pk")[:MAX_FIRST_POST_SPACES]
    )
    postable = []
    for space in spaces:
        try:
            check_can_participate(me, space)
        except NotAllowed:
            continue
        postable.append(space)
    return postable


@login_required
@require_GET
def welcome_first_post(request: SignedInRequest) -> HttpResponse:
    """Step 3: say hello in a space I joined (the composer opens in it), or finish."""
    spaces = _first_post_spaces(request)
    prompts = [(space, f"{reverse('composer')}?space={space.slug}") for space in spaces]
    context = {"prompts": prompts, "step": 3}
    return render(request, "spaces/onboarding/first_post.html", context)
