"""One space: its home, settings, status and ground rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afterclass.core.confirm import confirm_first
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.http import SignedInRequest, next_url
from afterclass.core.pagecache import remembered_page
from afterclass.posts.experts import go_to_colleagues
from afterclass.posts.forms import FeedFilterForm
from afterclass.posts.queries import space_feed
from afterclass.posts.views.composer import space_bar
from afterclass.spaces.access import access_space, check_can_manage
from afterclass.spaces.actions import (
    do_accept_rules,
    do_publish_rules,
    do_set_space_status,
    do_update_space,
)
from afterclass.spaces.forms import (
    AcceptRulesForm,
    LaunchForm,
    PublishRulesForm,
    SpaceForm,
    StatusForm,
    show_action_error,
)
from afterclass.spaces.models import Space, Status
from afterclass.spaces.queries import (
    current_rules,
    launch_readiness,
    members_of,
    rules_history,
    unread_count,
)
from afterclass.spaces.views import space_context

HOME_MEMBER_PREVIEW = 8


@login_required
@require_GET
@remembered_page
def home(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    context = space_context(request, space, "home")
    context["rules"] = current_rules(space)
    context["members"] = (
        members_of(space, limit=HOME_MEMBER_PREVIEW).items if context["can_view_content"] else []
    )
    if context["can_view_content"]:
        filters = FeedFilterForm(request.GET, space=space)
        feed = space_feed(space, request.user, **filters.query(), cursor=request.GET.get("cursor"))
        context.update(feed=feed, feed_filters=filters, feed_next=next_url(request, feed.next))
        if request.htmx:
            return render(request, "posts/_space_feed.html#feed-page", context)
        context["go_to"] = go_to_colleagues(space, request.user)
        if context["place"].is_active_member:
            context["unread_count"] = unread_count(space, request.user)
            context["composer_bar"] = space_bar(request.user, space)
    return render(request, "spaces/home.html", context)


def _settings_page(
    request: SignedInRequest,
    space: Space,
    *,
    form: SpaceForm | None = None,
    rules_form: PublishRulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rules = current_rules(space)
    context = space_context(request, space, "settings")
    context["form"] = form or SpaceForm(initial=SpaceForm.initial_for(space), require_slug=True)
    context["rules_form"] = rules_form or PublishRulesForm(
        initial={"rules": rules.body if rules else ""}
    )
    context["rules"] = rules
    return render(request, "spaces/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def space_settings(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_manage(request.user, space)
    if request.method != "POST":
        return _settings_page(request, space)
    form = SpaceForm(request.POST, request.FILES, require_slug=True)
    if not form.is_valid():
        return _settings_page(request, space, form=form, status=400)
    data = form.cleaned_data
    try:
        do_update_space(
            space,
            actor=request.user,
            audience_departments=data["audience_departments"],
            name=data["name"],
            slug=data["slug"],
            purpose=data["purpose"],
            cover=data["cover"],
            **form.space_fields(),
        )
    except (InvalidInput, Conflict) as error:
        show_action_error(form, error)
        # Nothing was saved: show the page for the space as it still is.
        space = access_space(request.user, slug)
        return _settings_page(request, space, form=form, status=error.status)
    messages.success(request, "The settings are saved.")
    return redirect("space-settings", space.slug)


@login_required
@require_POST
def publish_rules(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_manage(request.user, space)
    rules_form = PublishRulesForm(request.POST)
    if rules_form.is_valid():
        try:
            rules = do_publish_rules(space, rules_form.cleaned_data["rules"], actor=request.user)
        except InvalidInput as error:
            show_action_error(rules_form, error)
        else:
            messages.success(
                request,
                f"Version {rules.version} of the ground rules is published. Everyone will be "
                "asked to accept it again.",
            )
            return redirect("space-rules", space.slug)
    return _settings_page(request, space, rules_form=rules_form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def launch(request: SignedInRequest, slug: str) -> HttpResponse:
    """The launch page: what the pre-launch survey and the sign-ups say, a warning when the
    survey is still open or unanswered, and the launch itself (closing the survey if asked)."""
    space = access_space(request.user, slug)
    check_can_manage(request.user, space)
    if space.status != Status.PLANNING:
        messages.error(request, "Only a space in planning can be launched.")
        return redirect("space-home", space.slug)
    form = LaunchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_space_status(
                space,
                Status.LAUNCHED,
                actor=request.user,
                close_survey=form.cleaned_data["close_survey"],
            )
        except (InvalidInput, Conflict) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"“{space.name}” is launched.")
        return redirect("space-home", space.slug)
    context = {**space_context(request, space, "settings"), "form": form, **launch_readiness(space)}
    return render(request, "spaces/launch.html", context)


@login_required
@require_POST
def set_status(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_manage(request.user, space)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to launch or archive the space.")
        return redirect("space-home", space.slug)
    launch = form.cleaned_data["status"] == Status.LAUNCHED
    asked = confirm_first(
        request,
        question=f"{'Launch' if launch else 'Archive'} “{space.name}”?",
        consequence=(
            "Everyone it is for can see it and join, and they are told it is launched."
            if launch
            else "Everything stays readable, but nobody can join or post until it is reopened."
        ),
        button="Launch" if launch else "Archive",
        back=reverse("space-home", args=[space.slug]),
    )
    if asked is not None:
        return asked
    try:
        do_set_space_status(space, form.cleaned_data["status"], actor=request.user)
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
    else:
        if space.status == Status.LAUNCHED:
            messages.success(request, f"“{space.name}” is launched.")
        else:
            messages.success(request, f"“{space.name}” is archived: it is read-only now.")
    return redirect("space-home", space.slug)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if request.method == "POST":
        form = AcceptRulesForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Please read the ground rules below and accept them again.")
            return redirect("space-rules", space.slug)
        try:
            do_accept_rules(space, actor=request.user, version=form.cleaned_data["version"])
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("space-rules", space.slug)
        messages.success(request, f"Thank you. You can take part in “{space.name}” now.")
        return redirect("space-home", space.slug)
    context = space_context(request, space, "rules")
    context["rules"] = current_rules(space)
    context["accept_form"] = AcceptRulesForm(initial={"version": space.rules_version})
    context["history"] = rules_history(space) if context["can_manage"] else []
    return render(request, "spaces/rules.html", context)
