"""The Northwind demo: loaded through the actions, realistic, deterministic and idempotent."""

import random
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from afterclass.attachments import detect
from afterclass.attachments.models import Attachment
from afterclass.audit.models import AuditEntry
from afterclass.demo.load import DemoSummary
from afterclass.demo.media import SCENES, draw_picture, make_pdf
from afterclass.demo.people import ADMIN_EMAIL, DEPARTMENTS, ROLES, generate_people
from afterclass.demo.spaces import SPACE_PLANS
from afterclass.demo.threads import CONVERSATIONS
from afterclass.insights.models import Event
from afterclass.learning.models import Activity
from afterclass.moderation.models import Report, ReportState
from afterclass.notifications.models import Notification
from afterclass.people.models import DEFAULT_LEVELS, Department, Organisation, Person
from afterclass.posts.models import Comment, Post, Reaction, Vote
from afterclass.spaces.models import (
    AnonymousQuestions,
    GroundRules,
    Membership,
    MembershipState,
    Role,
    RulesAcceptance,
    Space,
    Status,
    Template,
    Visibility,
)


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "departments": Department.objects.count(),
        "spaces": Space.objects.count(),
        "memberships": Membership.objects.count(),
        "rules": GroundRules.objects.count(),
        "acceptances": RulesAcceptance.objects.count(),
        "audit": AuditEntry.objects.count(),
        "events": Event.objects.count(),
        "posts": Post.objects.count(),
        "comments": Comment.objects.count(),
        "votes": Vote.objects.count(),
        "reactions": Reaction.objects.count(),
        "attachments": Attachment.objects.count(),
        "reports": Report.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.mark.django_db
def test_demo_loads_northwind_and_a_second_run_adds_nothing():
    first_output = run_demo()
    after_first = counts()

    second_output = run_demo()

    assert counts() == after_first
    # Every conversation thread, and the thread each discussion prompt of the learning demo opens.
    prompts = Activity.objects.filter(kind="discussion", post__isnull=False).count()
    assert after_first["posts"] == sum(len(p.threads) for p in CONVERSATIONS.values()) + prompts
    assert "Loaded the Northwind demo organisation" in first_output
    assert "already loaded; nothing was added" in second_output
    # Notifications wait for the demo admin (what the last two weeks would have told them, a
    # few unread), and nobody was told about the history as it loaded.
    waiting = Notification.objects.filter(recipient__email=ADMIN_EMAIL)
    assert waiting.count() >= 3
    assert waiting.filter(read_at__isnull=True).exists()
    assert not Notification.objects.exclude(recipient__email=ADMIN_EMAIL).exists()
    for output in (first_output, second_output):
        assert "/accounts/login/" in output
        assert f"{ADMIN_EMAIL} / demo" in output
        assert "every demo person's password is demo" in output
        assert "new@example.org / demo" in output

    organisation = Organisation.current()
    assert organisation.name == "Northwind"
    assert organisation.allowed_domains == ["example.org"]
    # The 60 people of the organisation chart, and the newcomer who has not been welcomed yet.
    assert Person.objects.count() == 61
    assert list(
        Person.objects.filter(onboarded_at__isnull=True).values_list("email", flat=True)
    ) == ["new@example.org"]
    assert not Person.objects.exclude(email__endswith="@example.org").exists()
    top_level = Department.objects.filter(parent=None)
    assert top_level.count() == 6
    assert all(2 <= department.teams.count() <= 3 for department in top_level)
    assert Counter(Person.objects.values_list("level__name", flat=True)).keys() == set(
        DEFAULT_LEVELS
    )
    assert {person.department.parent or person.department for person in Person.objects.all()} == (
        set(top_level)
    )


@pytest.mark.django_db
def test_demo_spaces_cover_every_template_state_and_membership():
    run_demo()

    spaces = Space.objects.all()
    assert set(spaces.values_list("template", flat=True)) == set(Template.values)
    assert set(spaces.values_list("status", flat=True)) == set(Status.values)
    assert spaces.filter(visibility=Visibility.SECRET, status=Status.LAUNCHED).exists()
    assert spaces.filter(visibility=Visibility.LISTED).count() >= 5
    assert Membership.objects.filter(state=MembershipState.PENDING).exists()
    assert Membership.objects.filter(state=MembershipState.DECLINED).exists()
    assert Membership.objects.filter(role=Role.MODERATOR, state=MembershipState.ACTIVE).exists()
    for space in spaces:
        assert space.purpose
        assert space.description
        assert space.rules_version == 1
        assert space.target_weekly_active_pct is not None
        memberships = Membership.objects.filter(space=space)
        # The counters the pages show agree with the rows: everything went through the actions.
        assert space.member_count == memberships.filter(state=MembershipState.ACTIVE).count()
        assert space.pending_count == memberships.filter(state=MembershipState.PENDING).count()
        assert memberships.filter(role=Role.OWNER, state=MembershipState.ACTIVE).exists()
    request_spaces = spaces.filter(join_policy="request")
    assert all(space.membership_questions for space in request_spaces)
    pending = Membership.objects.filter(state=MembershipState.PENDING)
    assert all(len(membership.answers) == 2 for membership in pending)
    assert AuditEntry.objects.filter(action="space.create").count() == len(SPACE_PLANS)
    assert AuditEntry.objects.filter(action="membership.approve").exists()
    # Most members have accepted the rules; a few have not yet, as in real life.
    active = Membership.objects.filter(state=MembershipState.ACTIVE)
    assert active.filter(rules_version_accepted=1).count() > active.count() * 0.8
    assert active.filter(rules_version_accepted=None).exists()


@pytest.mark.django_db
def test_demo_spaces_have_realistic_conversations_of_their_kinds():
    run_demo()
    now = timezone.now()

    for space in Space.objects.all():
        posts = Post.objects.filter(space=space)
        if space.status == Status.PLANNING:
            assert not posts.exists(), space.slug
            continue
        assert posts.count() >= 1, space.slug
        assert set(posts.values_list("kind", flat=True)) <= set(space.allowed_post_kinds)
        # Written through the actions: the counters on each row agree with the rows.
        for post in posts.annotate(
            comments_made=Count("comments", distinct=True),
            answers_made=Count("comments", filter=Q(comments__parent=None), distinct=True),
        ):
            assert post.comment_count == post.comments_made
            if post.kind == "question":
                assert post.answer_count == post.answers_made
            assert post.reaction_count == post.reactions.count()
            assert post.helped_count == post.reactions.filter(kind="helped").count()
            assert post.last_activity_at >= post.created_at
            authors = Membership.objects.filter(space=space, person=post.author_id)
            assert authors.filter(rules_version_accepted=space.rules_version).exists()
        for comment in Comment.objects.filter(post__space=space):
            assert comment.vote_count == comment.votes.count()
            assert comment.created_at >= comment.post.created_at
        if space.status == Status.ARCHIVED:
            assert posts.filter(created_at__lt=space.archived_at).count() == posts.count()
    # History spread over the last ninety days, so insights have something to show.
    times = list(Post.objects.values_list("created_at", flat=True))
    assert min(times) >= now - timedelta(days=90)
    assert min(times) < now - timedelta(days=80)
    assert max(times) > now - timedelta(days=7)
    assert len({time.date() for time in times}) > 30
    assert Event.objects.filter(kind="posted", time__lt=now - timedelta(days=30)).exists()

    questions = Post.objects.filter(kind="question")
    assert questions.filter(accepted_answer__isnull=False).count() >= 5
    assert questions.filter(answer_count__gt=0, accepted_answer=None).exists()
    assert questions.filter(answer_count=0).count() >= 3
    anonymous = questions.filter(is_anonymous=True)
    assert anonymous.filter(answer_count=0).exists()
    assert anonymous.filter(accepted_answer__isnull=False).exists()
    assert not anonymous.filter(space__anonymous_questions=AnonymousQuestions.OFF).exists()
    assert Vote.objects.count() >= 20
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Reaction.objects.filter(kind="helped", comment__isnull=False).exists()
    assert Post.objects.filter(helped_count__gt=0).count() >= 10

    updates = Post.objects.filter(kind="update")
    assert updates.count() >= 5
    assert all(len(update.body) <= 280 and not update.title for update in updates)
    resources = Post.objects.filter(kind="resource")
    assert resources.exists()
    assert all(
        resource.link_url.startswith("https://") or resource.attachments.exists()
        for resource in resources
    )
    announcements = Post.objects.filter(kind="announcement")
    assert announcements.exists()
    for announcement in announcements:
        assert announcement.is_pinned
        assert Membership.objects.filter(
            space=announcement.space_id,
            person=announcement.author_id,
            role__in=[Role.OWNER, Role.MODERATOR],
        ).exists()
    assert Post.objects.filter(kind="image").exists()


@pytest.mark.django_db
def test_demo_visual_board_has_image_posts_with_described_pictures():
    run_demo()

    board = Space.objects.get(slug="site-safety-photo-board")
    images = Post.objects.filter(space=board, kind="image")
    assert 8 <= images.count() <= 12
    assert len({post.created_at.date() for post in images}) == images.count()
    assert min(post.created_at for post in images) < timezone.now() - timedelta(days=60)
    assert images.filter(comment_count__gt=0).count() >= 5
    assert images.filter(reaction_count__gt=0).count() == images.count()
    for post in images:
        pictures = list(post.attachments.all())
        assert 1 <= len(pictures) <= 3
        assert post.body
        for picture in pictures:
            # Uploaded by the post's author through do_upload: re-encoded, sized, thumbnailed.
            assert picture.is_image
            assert picture.uploader_id == post.author_id
            assert picture.content_type == "image/jpeg"
            assert 20 <= len(picture.alt_text) <= 300
            assert (picture.width, picture.height) == (960, 720)
            assert picture.thumbnail.name
            assert picture.created_at <= post.created_at
            with picture.file.open("rb") as stored:
                assert detect.detect(stored) is detect.JPEG
                assert len(stored.read()) == picture.size
    assert Attachment.objects.filter(post=None).count() == 0


@pytest.mark.django_db
def test_demo_course_and_discussion_spaces_share_pdf_resources():
    run_demo()

    files = Attachment.objects.filter(post__kind="resource").select_related("post__space")
    by_space = Counter(attachment.post.space.template for attachment in files)
    assert by_space[Template.COURSE] >= 2
    assert by_space[Template.DISCUSSION] >= 1
    for attachment in files:
        assert attachment.content_type == "application/pdf"
        assert attachment.original_name.endswith(".pdf")
        assert attachment.uploader_id == attachment.post.author_id
        assert attachment.post.title
        assert attachment.post.body
        with attachment.file.open("rb") as stored:
            content = stored.read()
        assert content.startswith(b"%PDF-1.4")
        assert len(content) == attachment.size
    assert Post.objects.filter(kind="resource", title="Pivot tables cheat sheet").exists()


@pytest.mark.django_db
def test_demo_moderators_have_open_reports_to_handle():
    run_demo()

    reports = Report.objects.select_related("comment__post", "space")
    assert reports.count() >= 2
    assert set(reports.values_list("state", flat=True)) == {ReportState.OPEN}
    assert len(set(reports.values_list("space", flat=True))) == 1
    space = reports[0].space
    assert space.status == Status.LAUNCHED
    assert len(set(reports.values_list("comment", flat=True))) == 2
    assert {"off_topic", "spam"} <= set(reports.values_list("reason", flat=True))
    for report in reports:
        assert report.comment is not None
        assert report.reporter_id != report.comment.author_id
        assert report.created_at >= report.comment.created_at
        assert report.created_at <= timezone.now()
        # Reported by ordinary members, about an ordinary member's comment.
        for person in (report.reporter_id, report.comment.author_id):
            assert Membership.objects.filter(
                space=space, person=person, state=MembershipState.ACTIVE, role=Role.MEMBER
            ).exists()
    assert AuditEntry.objects.filter(action="report.create").count() == reports.count()


@pytest.mark.django_db
def test_demo_adds_pictures_and_files_to_spaces_loaded_without_them():
    run_demo()
    before = counts()
    Post.objects.filter(attachments__isnull=False).delete()
    assert Attachment.objects.count() == 0

    output = run_demo()

    assert "Loaded the Northwind demo organisation" in output
    after = counts()
    for name in ("posts", "attachments", "reports"):
        assert after[name] == before[name], name
    assert Post.objects.filter(kind="image", attachments__isnull=True).count() == 0
    run_demo()
    assert counts() == after


def test_demo_pictures_are_drawn_the_same_from_the_same_seed():
    for scene in SCENES:
        first = draw_picture(scene, random.Random(3), ("KEEP CLEAR",))
        assert first == draw_picture(scene, random.Random(3), ("KEEP CLEAR",))
        assert first != draw_picture(scene, random.Random(4), ("KEEP CLEAR",))
        assert first.startswith(b"\xff\xd8\xff")


def test_demo_pdf_is_well_formed():
    lines = ["A line with a \\ and (brackets).", "x" * 200]
    content = make_pdf("Pivot tables (cheat sheet)", lines)

    assert content.startswith(b"%PDF-1.4\n")
    assert content.endswith(b"%%EOF\n")
    # The cross-reference table points at each object's first byte, as readers require.
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[xref:].startswith(b"xref\n0 8\n")
    entries = content[xref:].split(b"\n")[3:10]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert content[offset:].startswith(b"%d 0 obj\n" % number)
    length = int(content.split(b"/Length ")[1].split(b" ")[0])
    stream = content.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length
    assert b"(Pivot tables \\(cheat sheet\\)) Tj" in stream
    assert b"\\\\" in stream


@pytest.mark.django_db
def test_demo_adds_conversations_to_spaces_loaded_without_them():
    run_demo()
    Post.objects.filter(space__status=Status.LAUNCHED).delete()
    launched = Space.objects.filter(status=Status.LAUNCHED).count()

    output = run_demo()

    assert "Loaded the Northwind demo organisation" in output
    assert Post.objects.filter(space__status=Status.LAUNCHED).values(
        "space"
    ).distinct().count() == (launched)
    before = counts()
    run_demo()
    assert counts() == before


@pytest.mark.django_db
def test_demo_admin_signs_in_with_the_demo_password(client):
    run_demo()

    admin = Person.objects.get(email=ADMIN_EMAIL)
    response = client.post(reverse("account_login"), {"login": ADMIN_EMAIL, "password": "demo"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert admin.is_org_admin
    assert admin.display_name == "Alex Morgan"
    assert admin.job_title == "L&D Lead"
    assert admin.department is not None
    assert admin.department.path == "People & Culture / Learning & development"
    # One hash made once and shared: 60 slow hashes would make loading slow.
    assert set(Person.objects.values_list("password", flat=True)) == {admin.password}


@pytest.mark.django_db
def test_demo_refuses_a_production_installation(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="--allow-production"):
        run_demo()

    assert not Person.objects.exists()


@pytest.mark.django_db
def test_demo_serve_hands_over_to_the_server_with_its_address(monkeypatch):
    summary = DemoSummary(0, 0, 60, 6, 8, "someone@example.org")
    monkeypatch.setattr("afterclass.demo.management.commands.demo.load_demo", lambda seed: summary)
    calls = []
    monkeypatch.setattr(
        "afterclass.demo.management.commands.demo.run_server",
        lambda **kwargs: calls.append(kwargs),
    )
    monkeypatch.setenv("PORT", "8124")

    output = run_demo("--serve")
    assert calls == [{"host": "127.0.0.1", "port": 8124}]
    assert "http://127.0.0.1:8124/accounts/login/" in output

    output = run_demo("--serve", "--port", "9001", "--host", "localhost")
    assert calls[-1] == {"host": "localhost", "port": 9001}
    assert "http://localhost:9001/accounts/login/" in output


def test_demo_people_are_deterministic_and_fit_their_roles():
    people = generate_people(seed=7)

    assert people == generate_people(seed=7)
    assert [p.display_name for p in people] != [p.display_name for p in generate_people(seed=8)]
    assert len(people) == 60
    assert len({person.email for person in people}) == 60
    assert len({person.display_name for person in people}) == 60
    for person in people:
        assert person.role.department in DEPARTMENTS
        assert person.role.team is None or person.role.team in DEPARTMENTS[person.role.department]
        assert person.bio
        assert len(person.bio) <= 600
        assert len(person.interests) >= 3
    assert Counter(role.department for role in ROLES) == dict.fromkeys(DEPARTMENTS, 10)


def test_demo_space_plans_name_people_who_exist():
    titles = [role.job_title for role in ROLES]
    assert len(titles) == len(set(titles)), "job titles that plans refer to must be unique"
    for plan in SPACE_PLANS:
        named = [plan.owner, *plan.moderators, *plan.invite, *(r.title for r in plan.requests)]
        assert set(named) <= set(titles), plan.slug
        assert all(len(request.answers) == len(plan.questions) for request in plan.requests)
