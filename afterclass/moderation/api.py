"""Reports API: a member reports a post or comment; moderators list a space's reports and
resolve them. Targets are loaded with posts' access functions and reports with `access_report`
(404 for anyone who may not handle it); writes go through moderation.actions."""

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from afterclass.core.api import Id, current_person, errors
from afterclass.core.errors import NotFound
from afterclass.moderation.access import access_report, check_can_see_reports
from afterclass.moderation.actions import do_report, do_resolve_report
from afterclass.moderation.queries import present_reports, space_reports
from afterclass.moderation.schemas import ReportIn, ReportOut, ReportPage, ReportParams, ResolveIn
from afterclass.posts.access import access_comment, access_post
from afterclass.posts.models import Comment, Post
from afterclass.spaces.access import SPACE_NOT_FOUND, access_space

router = Router(tags=["moderation"])

WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


@router.post("/reports", response={201: ReportOut, **WRITE_ERRORS}, summary="Report")
def report_create(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    """Report a post or comment I can see and did not write, to the space's moderators. One
    open report per person and post or comment (409 for a second)."""
    viewer = current_person(request)
    target: Post | Comment
    if payload.post is not None:
        target = access_post(viewer, payload.post)
    else:
        target = access_comment(viewer, payload.comment or 0)
    report = do_report(target, actor=viewer, reason=payload.reason, text=payload.text)
    (shown,) = present_reports([report], viewer)
    return Status(201, ReportOut.build(shown, show_reporter=True))


@router.get(
    "/spaces/{slug}/reports",
    response={200: ReportPage, **errors(400, 401, 403, 404, 422)},
    summary="A space's reports",
)
def reports_list(request: HttpRequest, slug: str, params: Query[ReportParams]) -> ReportPage:
    """For the space's moderators and organisation admins, oldest first, open ones unless
    `state` says otherwise. Reports about what I wrote are left out: another moderator
    handles them."""
    viewer = current_person(request)
    if "\x00" in slug:
        raise NotFound(SPACE_NOT_FOUND)
    space = access_space(viewer, slug)
    check_can_see_reports(viewer, space)
    page = space_reports(
        space, viewer, state=params.state, cursor=params.cursor, limit=params.limit
    )
    return ReportPage(
        items=[ReportOut.build(report, show_reporter=True) for report in page.items], next=page.next
    )


@router.post(
    "/reports/{report_id}/resolve",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Resolve a report",
)
def report_resolve(request: HttpRequest, report_id: Path[Id], payload: ResolveIn) -> ReportOut:
    """Hide (posts, with a note the author reads), remove, or dismiss. Every open report on the
    same post or comment is resolved with it."""
    viewer = current_person(request)
    report = access_report(viewer, report_id)
    do_resolve_report(report, actor=viewer, outcome=payload.outcome, note=payload.note)
    (shown,) = present_reports([report], viewer)
    return ReportOut.build(shown, show_reporter=True)
