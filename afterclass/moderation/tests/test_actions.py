"""Reporting and resolving, action by action: what each does, and everything each refuses."""

import pytest
from django.db import IntegrityError, transaction

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.moderation.actions import do_report, do_resolve_report
from afterclass.moderation.models import Report, ReportState
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.posts.actions import do_hide_post, do_remove_comment, do_remove_post
from afterclass.posts.models import ContentState
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import MembershipState, Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


def state_of_everything() -> dict:
    return {
        "reports": list(Report.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


# --- do_report -------------------------------------------------------------------------------


def test_do_report_records_an_open_report_and_an_audit_entry(post, reporter):
    report = do_report(post, actor=reporter, reason="spam")
    assert (report.state, report.reason, report.post_id, report.comment_id) == (
        "open",
        "spam",
        post.pk,
        None,
    )
    assert report.space_id == post.space_id
    entry = AuditEntry.objects.get(action="report.create")
    assert (entry.actor_id, entry.target_id, entry.data["about"]) == (
        reporter.pk,
        report.pk,
        f"post:{post.pk}",
    )


def test_do_report_on_a_comment(comment, reporter):
    report = do_report(comment, actor=reporter, reason="other", text="  Selling a course.  ")
    assert (report.comment_id, report.post_id, report.text) == (
        comment.pk,
        None,
        "Selling a course.",
    )


def test_do_report_refuses_own_post(post, author):
    before = state_of_everything()
    with pytest.raises(NotAllowed, match="your own post"):
        do_report(post, actor=author, reason="spam")
    assert state_of_everything() == before


def test_do_report_refuses_own_comment(comment, owner):
    with pytest.raises(NotAllowed, match="your own comment"):
        do_report(comment, actor=owner, reason="spam")


def test_do_report_refuses_a_non_member_of_a_listed_space(post, outsider):
    before = state_of_everything()
    # They may know the space, not its posts: the post is "not found", as on its page.
    with pytest.raises(NotFound):
        do_report(post, actor=outsider, reason="spam")
    assert state_of_everything() == before


@pytest.mark.parametrize(
    "state", [MembershipState.PENDING, MembershipState.LEFT, MembershipState.BANNED]
)
def test_do_report_refuses_people_who_are_not_active_members(space, post, state):
    person = add_member(space, state=state).person
    with pytest.raises(NotFound):
        do_report(post, actor=person, reason="spam")
    assert not Report.objects.exists()


def test_do_report_refuses_an_org_admin_who_is_not_a_member(post, admin):
    # Admins see every post and moderate directly: a report to themselves would mean nothing.
    with pytest.raises(NotAllowed, match="Only members"):
        do_report(post, actor=admin, reason="spam")


def test_do_report_in_a_secret_space_is_not_found_for_outsiders(secret_space, owner, outsider):
    secret = make_post(secret_space, owner, title="Secret")
    with pytest.raises(NotFound):
        do_report(secret, actor=outsider, reason="spam")
    comment = make_comment(secret, owner)
    with pytest.raises(NotFound):
        do_report(comment, actor=outsider, reason="spam")
    assert not Report.objects.exists()


def test_do_report_twice_is_a_conflict(post, reporter):
    do_report(post, actor=reporter, reason="spam")
    before = state_of_everything()
    with pytest.raises(Conflict, match="already reported"):
        do_report(post, actor=reporter, reason="off_topic")
    assert state_of_everything() == before


def test_do_report_again_after_resolution_is_allowed(post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    do_resolve_report(report, actor=moderator, outcome="dismissed")
    again = do_report(post, actor=reporter, reason="spam")
    assert again.state == "open"


def test_do_report_other_needs_text(post, reporter):
    with pytest.raises(InvalidInput) as error:
        do_report(post, actor=reporter, reason="other", text="   ")
    assert error.value.field == "text"
    assert not Report.objects.exists()


def test_do_report_text_longer_than_500_is_refused(post, reporter):
    with pytest.raises(InvalidInput, match="at most 500") as error:
        do_report(post, actor=reporter, reason="other", text="x" * 501)
    assert error.value.field == "text"
    assert not Report.objects.exists()


def test_do_report_text_of_500_is_accepted(post, reporter):
    assert len(do_report(post, actor=reporter, reason="other", text="x" * 500).text) == 500


@pytest.mark.parametrize("reason", ["", "rude", "Spam", None])
def test_do_report_unknown_reason_is_refused(post, reporter, reason):
    with pytest.raises(InvalidInput) as error:
        do_report(post, actor=reporter, reason=reason)
    assert error.value.field == "reason"


def test_do_report_removed_post_is_a_conflict(post, reporter, author):
    do_remove_post(post, actor=author)
    with pytest.raises(Conflict, match="hidden or removed"):
        do_report(post, actor=reporter, reason="spam")


def test_do_report_hidden_post_is_not_found_for_members(post, reporter, owner):
    do_hide_post(post, actor=owner, reason="Off topic")
    with pytest.raises(NotFound):
        do_report(post, actor=reporter, reason="spam")


# --- do_resolve_report -----------------------------------------------------------------------


@pytest.fixture
def reports(space, post, reporter):
    second = add_member(space).person
    return [
        do_report(post, actor=reporter, reason="spam"),
        do_report(post, actor=second, reason="off_topic"),
    ]


def test_do_resolve_report_hide_hides_the_post_and_resolves_every_report_on_it(
    reports, post, moderator, django_capture_on_commit_callbacks
):
    other = do_report(make_post(post.space, moderator, title="Other"), actor=reports[0].reporter,
                      reason="spam")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        do_resolve_report(reports[1], actor=moderator, outcome="hidden", note="Keep it on data.")
    post.refresh_from_db()
    assert (post.state, post.hidden_reason) == (ContentState.HIDDEN, "Keep it on data.")
    for report in Report.objects.filter(post=post):
        assert (report.state, report.outcome, report.resolved_by_id) == ("resolved", "hidden",
                                                                          moderator.pk)  # fmt: skip
        assert report.resolution_note == "Keep it on data."
        assert report.resolved_at is not None
    other.refresh_from_db()
    assert other.state == "open"
    entries = AuditEntry.objects.filter(action="report.resolve").order_by("target_id")
    assert [e.target_id for e in entries] == [r.pk for r in reports]
    # Each reporter is told the outcome.
    told = Notification.objects.filter(kind=NotificationKind.REPORT_HANDLED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        r.reporter_id for r in reports
    )
    assert AuditEntry.objects.filter(action="post.hide", actor=moderator).exists()


def test_do_resolve_report_remove_post(reports, post, moderator):
    do_resolve_report(reports[0], actor=moderator, outcome="removed")
    post.refresh_from_db()
    assert post.state == ContentState.REMOVED_BY_MODERATOR
    assert set(Report.objects.values_list("state", "outcome")) == {("resolved", "removed")}


def test_do_resolve_report_dismiss_leaves_the_post(reports, post, moderator):
    do_resolve_report(reports[0], actor=moderator, outcome="dismissed", note="Fine by the rules.")
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE
    assert set(Report.objects.values_list("state", "outcome")) == {("dismissed", "dismissed")}


def test_do_resolve_report_remove_comment(comment, reporter, moderator):
    report = do_report(comment, actor=reporter, reason="spam")
    do_resolve_report(report, actor=moderator, outcome="removed")
    comment.refresh_from_db()
    assert comment.state == ContentState.REMOVED_BY_MODERATOR


def test_do_resolve_report_hide_comment(comment, reporter, moderator):
    report = do_report(comment, actor=reporter, reason="spam")
    do_resolve_report(report, actor=moderator, outcome="hidden", note="No ads.")
    comment.refresh_from_db()
    assert (comment.state, comment.hidden_reason) == (ContentState.HIDDEN, "No ads.")
    assert set(Report.objects.values_list("state", "outcome")) == {("resolved", "hidden")}


def test_do_resolve_report_hide_removed_comment_is_refused(comment, reporter, moderator, owner):
    report = do_report(comment, actor=reporter, reason="spam")
    do_remove_comment(comment, actor=owner)
    with pytest.raises(Conflict, match="already been removed"):
        do_resolve_report(report, actor=moderator, outcome="hidden", note="No ads.")
    comment.refresh_from_db()
    assert comment.state == ContentState.REMOVED_BY_AUTHOR
    assert Report.objects.get().state == "open"


def test_do_resolve_report_hide_needs_a_note(reports, post, moderator):
    before = state_of_everything()
    with pytest.raises(InvalidInput) as error:
        do_resolve_report(reports[0], actor=moderator, outcome="hidden", note=" ")
    assert error.value.field == "note"
    assert state_of_everything() == before


def test_do_resolve_report_note_longer_than_300_is_refused(reports, moderator):
    with pytest.raises(InvalidInput, match="at most 300"):
        do_resolve_report(reports[0], actor=moderator, outcome="dismissed", note="x" * 301)


def test_do_resolve_report_unknown_outcome_is_refused(reports, moderator):
    with pytest.raises(InvalidInput) as error:
        do_resolve_report(reports[0], actor=moderator, outcome="banned")
    assert error.value.field == "outcome"


def test_do_resolve_report_twice_is_a_conflict(reports, moderator, owner):
    do_resolve_report(reports[0], actor=moderator, outcome="dismissed")
    stale = Report.objects.get(pk=reports[1].pk)
    stale.state = ReportState.OPEN  # a page loaded before the other moderator clicked
    before = state_of_everything()
    with pytest.raises(Conflict, match="already been handled"):
        do_resolve_report(stale, actor=owner, outcome="removed")
    assert state_of_everything() == before


def test_do_resolve_report_refuses_members(reports, reporter):
    before = state_of_everything()
    with pytest.raises(NotAllowed):
        do_resolve_report(reports[0], actor=reporter, outcome="dismissed")
    assert state_of_everything() == before


def test_do_resolve_report_refuses_the_reported_moderator(space, reporter):
    moderator = add_member(space, role=Role.MODERATOR).person
    report = do_report(make_post(space, moderator, title="Mine"), actor=reporter, reason="spam")
    with pytest.raises(NotAllowed, match="Another moderator"):
        do_resolve_report(report, actor=moderator, outcome="dismissed")


def test_do_resolve_report_by_an_org_admin(reports, post, admin):
    do_resolve_report(reports[0], actor=admin, outcome="removed")
    post.refresh_from_db()
    assert post.state == ContentState.REMOVED_BY_MODERATOR


def test_do_resolve_report_on_already_hidden_post_resolves_without_hiding_again(
    reports, post, moderator, owner
):
    do_hide_post(post, actor=owner, reason="Owner hid it first.")
    do_resolve_report(reports[0], actor=moderator, outcome="hidden", note="Agreed.")
    post.refresh_from_db()
    assert post.hidden_reason == "Owner hid it first."
    assert set(Report.objects.values_list("state", flat=True)) == {"resolved"}


def test_do_resolve_report_on_removed_comment_resolves(comment, reporter, moderator, owner):
    report = do_report(comment, actor=reporter, reason="spam")
    do_remove_comment(comment, actor=owner)
    do_resolve_report(report, actor=moderator, outcome="removed")
    assert Report.objects.get().state == "resolved"


def test_do_resolve_report_hide_of_removed_post_is_a_conflict(reports, post, author, moderator):
    do_remove_post(post, actor=author)
    with pytest.raises(Conflict, match="already been removed"):
        do_resolve_report(reports[0], actor=moderator, outcome="hidden", note="Too late.")
    assert set(Report.objects.values_list("state", flat=True)) == {"open"}


def test_report_needs_exactly_one_target_in_the_database(space, post, comment, reporter):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, space=space, post=post, comment=comment,
                              reason="spam")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, space=space, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(reporter=reporter, space=space, post=post, reason="other", text="")
