"""The space pages: who gets what, what each form refuses, and how many queries each page costs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import (
    AdminFactory,
    DepartmentFactory,
    LevelFactory,
    PersonFactory,
)
from afterclass.spaces.actions import do_join_space, do_publish_rules
from afterclass.spaces.models import (
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    Space,
    Status,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CANARY = "canary-7f3a9-secret-space-content"


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", rules="Be **kind**. Stay on topic.")


@pytest.fixture
def request_space(owner):
    return make_space(
        owner,
        name="Leading teams",
        slug="leading-teams",
        join_policy=JoinPolicy.REQUEST,
        membership_questions=["Which course did you attend?", "What do you hope to learn?"],
    )


@pytest.fixture
def secret_space(owner):
    return make_space(
        owner,
        name="Board coaching",
        slug="board-coaching",
        visibility=Visibility.SECRET,
        purpose=f"Coaching for the board. {CANARY}",
    )


def signed_in(client, person):
    client.force_login(person)
    return client


def space_form_data(**overrides):
    data = {
        "name": "Excel tips",
        "slug": "",
        "description": "Short tips for spreadsheets.",
        "purpose": "Share what saves time in Excel.",
        "rules": "Be kind.\n\n- Share sources",
        "mode": "informal",
        "audience": "organisation",
        "template": "tips",
        "visibility": "listed",
        "join_policy": "open",
        "membership_questions": "",
        "target_weekly_active_pct": "40",
        "target_answer_rate_pct": "80",
        "target_answer_hours": "24",
        "target_completion_pct": "",
    }
    data.update(overrides)
    return data


def png_upload(name="cover.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- Sign-in and visibility ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "space-home",
        "space-settings",
        "space-rules",
        "space-join",
        "space-members",
        "space-requests",
    ],
)
def test_space_pages_send_anonymous_people_to_sign_in(client, space, name):
    response = client.get(reverse(name, args=[space.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "space-home",
        "space-settings",
        "space-rules",
        "space-join",
        "space-members",
        "space-requests",
    ],
)
def test_space_pages_hide_secret_space_from_non_members(client, secret_space, name):
    stranger = PersonFactory()
    response = signed_in(client, stranger).get(reverse(name, args=[secret_space.slug]))
    assert response.status_code == 404
    assert CANARY not in response.content.decode()
    assert secret_space.name not in response.content.decode()


@pytest.mark.parametrize(
    "name", ["space-leave", "space-status", "space-publish-rules", "space-invite"]
)
def test_space_posts_hide_secret_space_from_non_members(client, secret_space, name):
    stranger = PersonFactory()
    response = signed_in(client, stranger).post(reverse(name, args=[secret_space.slug]), {})
    assert response.status_code == 404
    assert CANARY not in response.content.decode()


def test_space_home_of_unknown_slug_is_not_found(client, person):
    response = signed_in(client, person).get(reverse("space-home", args=["no-such-space"]))
    assert response.status_code == 404


def test_space_home_of_planning_space_is_hidden_from_non_members(client, owner):
    planned = make_space(owner, status=Status.PLANNING, name="Planned", slug="planned")
    response = signed_in(client, PersonFactory()).get(reverse("space-home", args=[planned.slug]))
    assert response.status_code == 404


# Expected status of each page for each caller of a listed, launched space.
MATRIX = {
    "non-member": {"home": 200, "rules": 200, "join": 200, "members": 403, "requests": 403,
                   "settings": 403},
    "pending": {"home": 200, "rules": 200, "join": 200, "members": 403, "requests": 403,
                "settings": 403},
    "banned": {"home": 200, "rules": 200, "join": 200, "members": 403, "requests": 403,
               "settings": 403},
    "member": {"home": 200, "rules": 200, "join": 200, "members": 200, "requests": 403,
               "settings": 403},
    "moderator": {"home": 200, "rules": 200, "join": 200, "members": 200, "requests": 200,
                  "settings": 403},
    "owner": {"home": 200, "rules": 200, "join": 200, "members": 200, "requests": 200,
              "settings": 200},
    "admin": {"home": 200, "rules": 200, "join": 200, "members": 200, "requests": 200,
              "settings": 200},
}  # fmt: skip


def caller(kind, space, owner):
    if kind == "owner":
        return owner
    if kind == "admin":
        return AdminFactory()
    person = PersonFactory()
    states = {"pending": MembershipState.PENDING, "banned": MembershipState.BANNED}
    if kind in states:
        add_member(space, person, state=states[kind])
    elif kind in {"member", "moderator"}:
        add_member(space, person, role=Role.MODERATOR if kind == "moderator" else Role.MEMBER)
    return person


@pytest.mark.parametrize("kind", list(MATRIX))
@pytest.mark.parametrize("page", ["home", "rules", "join", "members", "requests", "settings"])
def test_space_pages_answer_each_caller_as_expected(client, space, owner, kind, page):
    person = caller(kind, space, owner)
    response = signed_in(client, person).get(reverse(f"space-{page}", args=[space.slug]))
    assert response.status_code == MATRIX[kind][page]


@pytest.mark.parametrize("kind", ["member", "moderator", "owner", "admin"])
@pytest.mark.parametrize("page", ["home", "rules", "members"])
def test_secret_space_pages_show_content_to_members(client, secret_space, owner, kind, page):
    person = caller(kind, secret_space, owner)
    response = signed_in(client, person).get(reverse(f"space-{page}", args=[secret_space.slug]))
    assert response.status_code == 200
    if page == "home":
        assert CANARY in response.content.decode()


@pytest.mark.parametrize("kind", ["pending", "banned", "non-member"])
def test_secret_space_stays_hidden_from_callers_who_are_not_members(
    client, secret_space, owner, kind
):
    person = caller(kind, secret_space, owner)
    client = signed_in(client, person)
    for page in ["home", "rules", "join", "members", "requests", "settings"]:
        response = client.get(reverse(f"space-{page}", args=[secret_space.slug]))
        assert response.status_code == 404
        assert CANARY not in response.content.decode()
    for tab in ["mine", "discover"]:
        response = client.get(reverse("space-directory"), {"tab": tab})
        assert CANARY not in response.content.decode()
        assert secret_space.name not in response.content.decode()


# --- Directory -------------------------------------------------------------------------------


def test_directory_lists_my_spaces_and_discover_separately(client, owner, space, secret_space):
    other = make_space(owner, name="Python club", slug="python-club")
    invitation = make_space(
        owner, name="Mentors", slug="mentors", join_policy=JoinPolicy.INVITATION
    )
    requested = make_space(owner, name="Managers", slug="managers", join_policy=JoinPolicy.REQUEST)
    archived = make_space(owner, name="Old course", slug="old-course", status=Status.ARCHIVED)
    colleague = PersonFactory()
    add_member(space, colleague)
    do_join_space(requested, actor=colleague, answers=[])
    client = signed_in(client, colleague)

    mine = client.get(reverse("space-directory")).content.decode()
    assert space.name in mine
    assert other.name not in mine

    discover = client.get(reverse("space-directory"), {"tab": "discover"})
    body = discover.content.decode()
    assert [item.slug for item in discover.context["page"].items] == [
        "managers",
        "mentors",
        "python-club",
    ]
    assert "Requested" in body
    assert "Invitation only" in body
    assert reverse("space-join", args=[other.slug]) in body
    assert reverse("space-join", args=[invitation.slug]) not in body
    assert archived.name not in body
    assert secret_space.name not in body
    assert CANARY not in body


def test_directory_search_finds_by_name_and_purpose(client, owner, space):
    make_space(owner, name="Python club", slug="python-club", purpose="Automate with scripts.")
    client = signed_in(client, PersonFactory())
    by_name = client.get(reverse("space-directory"), {"tab": "discover", "q": "python"})
    assert [item.slug for item in by_name.context["page"].items] == ["python-club"]
    by_purpose = client.get(reverse("space-directory"), {"tab": "discover", "q": "automate"})
    assert [item.slug for item in by_purpose.context["page"].items] == ["python-club"]
    nothing = client.get(reverse("space-directory"), {"tab": "discover", "q": "zzz"})
    assert "No spaces match" in nothing.content.decode()


def test_directory_refuses_overlong_search(client, person):
    response = signed_in(client, person).get(reverse("space-directory"), {"q": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_directory_pages_with_a_next_link(client, owner):
    for number in range(30):
        make_space(owner, name=f"Space {number:02d}", slug=f"space-{number:02d}")
    client = signed_in(client, owner)
    first = client.get(reverse("space-directory"))
    assert len(first.context["page"].items) == 25
    next_url = first.context["next_url"]
    assert next_url
    second = client.get(reverse("space-directory") + next_url)
    slugs = [item.slug for item in second.context["page"].items]
    assert slugs == [f"space-{number:02d}" for number in range(25, 30)]
    assert second.context["next_url"] is None


def test_directory_refuses_a_broken_page_link(client, person):
    response = signed_in(client, person).get(reverse("space-directory"), {"cursor": "!!!"})
    assert response.status_code == 400


def test_directory_htmx_search_returns_only_the_list(client, owner, space):
    response = signed_in(client, owner).get(
        reverse("space-directory"), {"q": "data"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="space-list">')
    assert "<html" not in body
    assert space.name in body


def test_directory_offers_create_button_only_when_allowed(client, person):
    client = signed_in(client, person)
    create_url = reverse("space-create")
    assert create_url in client.get(reverse("space-directory")).content.decode()
    Organisation.objects.filter(pk=1).update(anyone_can_create_spaces=False)
    assert create_url not in client.get(reverse("space-directory")).content.decode()


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("tab", ["mine", "discover"])
def test_directory_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, owner, rows, tab
):
    viewer = PersonFactory()
    for number in range(rows):
        created = make_space(owner, name=f"Space {number:02d}", slug=f"space-{number:02d}")
        if tab == "mine":
            add_member(created, viewer)
    client = signed_in(client, viewer)
    # session, person, organisation (policy), the page of spaces, organisation (layout)
    with django_assert_num_queries(5):
        response = client.get(reverse("space-directory"), {"tab": tab})
    assert len(response.context["page"].items) == min(rows, 25)


# --- Create ----------------------------------------------------------------------------------


def test_create_page_shows_the_form_with_template_presets(
    client, person, django_assert_num_queries
):
    client = signed_in(client, person)
    # session, person, organisation (policy), departments, organisation (layout)
    with django_assert_num_queries(5):
        response = client.get(reverse("space-create"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Quick tips stream" in body
    assert "Posts: update, announcement, poll" in body
    assert 'name="target_weekly_active_pct"' in body


def test_create_page_is_refused_when_the_organisation_does_not_allow_it(client, person):
    Organisation.objects.filter(pk=1).update(anyone_can_create_spaces=False)
    client = signed_in(client, person)
    assert client.get(reverse("space-create")).status_code == 403
    assert client.post(reverse("space-create"), space_form_data()).status_code == 403
    assert not Space.objects.exists()


def test_create_space_makes_me_owner_and_redirects_home(client, person):
    response = signed_in(client, person).post(reverse("space-create"), space_form_data())
    space = Space.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("space-home", args=["excel-tips"])
    assert space.status == Status.PLANNING
    assert space.template == "tips"
    assert space.target_weekly_active_pct == 40
    assert space.target_answer_hours == 24
    assert space.target_completion_pct is None
    assert space.member_count == 1
    assert Membership.objects.get(space=space).role == Role.OWNER
    assert GroundRules.objects.get(space=space).body == "Be kind.\n\n- Share sources"


def test_create_space_with_questions_departments_and_cover(client, person):
    sales = DepartmentFactory(name="Sales")
    data = space_form_data(
        slug="sales-excel",
        audience="departments",
        audience_departments=[sales.pk],
        join_policy="request",
        membership_questions="Why join?\n\n  Which team?  \n",
        cover=png_upload(),
    )
    response = signed_in(client, person).post(reverse("space-create"), data)
    assert response.status_code == 302
    space = Space.objects.get(slug="sales-excel")
    assert space.membership_questions == ["Why join?", "Which team?"]
    assert list(space.audience_departments.all()) == [sales]
    assert space.cover.name.startswith("covers/")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "x" * 81}, "name", "at most 80"),
        ({"slug": "Not A Slug"}, "slug", "only lowercase letters"),
        ({"slug": "new"}, "slug", "reserved"),
        ({"purpose": ""}, "purpose", "required"),
        ({"rules": ""}, "rules", "required"),
        ({"target_weekly_active_pct": "150"}, "target_weekly_active_pct", "less than or equal"),
        ({"target_answer_hours": "-1"}, "target_answer_hours", "greater than or equal"),
        ({"target_answer_rate_pct": "lots"}, "target_answer_rate_pct", "whole number"),
        ({"template": "blog"}, "template", "valid choice"),
        ({"audience": "departments"}, "audience_departments", "at least one department"),
        ({"membership_questions": "a\nb\nc\nd\ne\nf"}, "membership_questions", "at most 5"),
        ({"cover": SimpleUploadedFile("c.png", b"not a picture")}, "cover", "image"),
    ],
)
def test_create_space_shows_bad_input_on_the_form_and_creates_nothing(
    client, person, overrides, field, message
):
    response = signed_in(client, person).post(reverse("space-create"), space_form_data(**overrides))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Space.objects.exists()
    assert not Membership.objects.exists()


def test_create_space_with_a_taken_address_shows_conflict_on_the_slug(client, person, space):
    response = signed_in(client, person).post(
        reverse("space-create"), space_form_data(slug=space.slug)
    )
    assert response.status_code == 409
    assert "already taken" in " ".join(response.context["form"].errors["slug"])
    assert Space.objects.count() == 1


# --- Home ------------------------------------------------------------------------------------


def test_home_shows_members_rules_and_the_feed_area_to_a_member(client, space, owner):
    colleague = PersonFactory(display_name="Cora Colleague")
    add_member(space, colleague)
    response = signed_in(client, colleague).get(reverse("space-home", args=[space.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Learn data skills from each other." in body
    assert "Be <strong>kind</strong>." in body
    assert 'id="feed"' in body
    assert "Nothing has been posted yet." in body
    assert "Olive Owner" in body
    assert "Cora Colleague" in body
    assert "Leave this space" in body
    assert reverse("space-settings", args=[space.slug]) not in body
    assert reverse("space-requests", args=[space.slug]) not in body


def test_home_shows_purpose_and_join_but_no_members_to_a_non_member(client, space):
    response = signed_in(client, PersonFactory()).get(reverse("space-home", args=[space.slug]))
    body = response.content.decode()
    assert "Learn data skills from each other." in body
    assert "Olive Owner" not in body
    assert reverse("space-members", args=[space.slug]) not in body
    assert "Join this space" in body


def test_home_explains_why_joining_is_not_possible(client, owner):
    mentors = make_space(owner, name="Mentors", slug="mentors", join_policy=JoinPolicy.INVITATION)
    response = signed_in(client, PersonFactory()).get(reverse("space-home", args=[mentors.slug]))
    body = response.content.decode()
    assert "by invitation only" in body
    assert "Join this space" not in body


def test_home_asks_for_rules_acceptance_when_rules_change(client, space, owner):
    colleague = PersonFactory()
    add_member(space, colleague)
    client = signed_in(client, colleague)
    rules_url = reverse("space-rules", args=[space.slug])
    assert (
        "Read and accept the ground rules"
        not in client.get(reverse("space-home", args=[space.slug])).content.decode()
    )
    do_publish_rules(space, "Be kind. Cite sources.", actor=owner)
    body = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert "Read and accept the ground rules" in body
    assert rules_url in body


def test_home_shows_moderators_the_requests_count_and_owners_the_settings(
    client, request_space, owner
):
    moderator = PersonFactory()
    add_member(request_space, moderator, role=Role.MODERATOR)
    do_join_space(request_space, actor=PersonFactory(), answers=["Basics", "Feedback"])
    body = (
        signed_in(client, moderator)
        .get(reverse("space-home", args=[request_space.slug]))
        .content.decode()
    )
    assert reverse("space-requests", args=[request_space.slug]) in body
    assert "1 waiting" in body
    assert reverse("space-settings", args=[request_space.slug]) not in body
    owner_body = (
        signed_in(client, owner)
        .get(reverse("space-home", args=[request_space.slug]))
        .content.decode()
    )
    assert reverse("space-settings", args=[request_space.slug]) in owner_body
    assert "Archive this space" in owner_body


def test_home_escapes_scripts_in_rules(client, owner):
    unsafe = make_space(
        owner,
        name="Unsafe",
        slug="unsafe",
        rules="<script>alert(1)</script> [x](javascript:alert(1))",
    )
    body = signed_in(client, owner).get(reverse("space-home", args=[unsafe.slug])).content.decode()
    assert "<script>alert(1)" not in body
    assert 'href="javascript:' not in body


@pytest.mark.parametrize(("kind", "queries"), [("member", 10), ("non-member", 5), ("owner", 10)])
def test_home_query_count(client, django_assert_num_queries, space, owner, kind, queries):
    person = caller(kind, space, owner)
    for _ in range(12):
        add_member(space)
    client = signed_in(client, person)
    # session, person, space with my membership, rules, (members preview, feed page, moderated
    # spaces, unread count, go-to colleagues: none here, so their people are not loaded),
    # organisation
    with django_assert_num_queries(queries):
        assert client.get(reverse("space-home", args=[space.slug])).status_code == 200


# --- Settings and status ---------------------------------------------------------------------


def test_settings_page_is_prefilled_for_the_owner(client, request_space, owner):
    response = signed_in(client, owner).get(reverse("space-settings", args=[request_space.slug]))
    form = response.context["form"]
    assert form.initial["name"] == "Leading teams"
    assert form.initial["membership_questions"] == (
        "Which course did you attend?\nWhat do you hope to learn?"
    )
    assert "everyone will be asked to accept again" in response.content.decode()


def test_settings_page_query_count(client, django_assert_num_queries, space, owner):
    client = signed_in(client, owner)
    # session, person, space, rules, audience departments, department choices, organisation
    with django_assert_num_queries(7):
        assert client.get(reverse("space-settings", args=[space.slug])).status_code == 200


def test_settings_save_changes_and_follow_a_new_address(client, space, owner):
    data = space_form_data(name="Data and analytics", slug="data-analytics", template="course")
    response = signed_in(client, owner).post(reverse("space-settings", args=[space.slug]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("space-settings", args=["data-analytics"])
    space.refresh_from_db()
    assert (space.name, space.slug, space.template) == (
        "Data and analytics",
        "data-analytics",
        "course",
    )


def test_settings_with_a_taken_address_changes_nothing(client, space, owner):
    make_space(owner, name="Other", slug="other")
    data = space_form_data(name="Renamed", slug="other")
    response = signed_in(client, owner).post(reverse("space-settings", args=[space.slug]), data)
    assert response.status_code == 409
    assert "already taken" in " ".join(response.context["form"].errors["slug"])
    # The page still links to the space as it is, not to the address that was refused.
    assert response.context["space"].slug == space.slug
    space.refresh_from_db()
    assert (space.name, space.slug) == ("Data skills", "data-skills")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"name": ""}, "name"), ({"slug": ""}, "slug"), ({"slug": "bad slug"}, "slug"),
     ({"target_completion_pct": "101"}, "target_completion_pct")],
)  # fmt: skip
def test_settings_refuse_bad_input_without_change(client, space, owner, overrides, field):
    data = space_form_data(**overrides)
    response = signed_in(client, owner).post(reverse("space-settings", args=[space.slug]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    space.refresh_from_db()
    assert (space.name, space.slug, space.template) == ("Data skills", "data-skills", "discussion")


def test_settings_post_by_a_member_is_refused(client, space):
    member = PersonFactory()
    add_member(space, member)
    data = space_form_data(name="Hijacked", slug=space.slug)
    response = signed_in(client, member).post(reverse("space-settings", args=[space.slug]), data)
    assert response.status_code == 403
    space.refresh_from_db()
    assert space.name == "Data skills"


def test_publish_rules_bumps_the_version(client, space, owner):
    url = reverse("space-publish-rules", args=[space.slug])
    response = signed_in(client, owner).post(url, {"rules": "Be kind. Cite sources."})
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.rules_version == 2
    assert "Everyone will be asked to accept it again" in " ".join(
        messages_of(client.get(response["Location"]))
    )


@pytest.mark.parametrize("text", ["", "Be **kind**. Stay on topic."])
def test_publish_rules_refuses_empty_or_unchanged_rules(client, space, owner, text):
    url = reverse("space-publish-rules", args=[space.slug])
    response = signed_in(client, owner).post(url, {"rules": text})
    assert response.status_code == 400
    assert response.context["rules_form"].errors["rules"]
    assert GroundRules.objects.filter(space=space).count() == 1


def test_publish_rules_by_a_moderator_is_refused(client, space):
    moderator = PersonFactory()
    add_member(space, moderator, role=Role.MODERATOR)
    url = reverse("space-publish-rules", args=[space.slug])
    assert signed_in(client, moderator).post(url, {"rules": "Mine now."}).status_code == 403
    assert GroundRules.objects.filter(space=space).count() == 1


def test_status_launches_and_archives(client, owner):
    planned = make_space(owner, status=Status.PLANNING, name="Planned", slug="planned")
    client = signed_in(client, owner)
    url = reverse("space-status", args=[planned.slug])
    assert client.post(url, {"status": "launched"}).status_code == 302
    planned.refresh_from_db()
    assert planned.status == Status.LAUNCHED
    assert planned.launched_at is not None
    assert client.post(url, {"status": "archived"}).status_code == 302
    planned.refresh_from_db()
    assert planned.status == Status.ARCHIVED


@pytest.mark.parametrize("status", ["launched", "planning", "deleted"])
def test_status_refuses_bad_changes_with_a_message(client, space, owner, status):
    response = signed_in(client, owner).post(
        reverse("space-status", args=[space.slug]), {"status": status}, follow=True
    )
    assert messages_of(response)
    assert "error" in response.content.decode()
    space.refresh_from_db()
    assert space.status == Status.LAUNCHED


def test_status_by_a_member_is_refused(client, space):
    member = PersonFactory()
    add_member(space, member, role=Role.MODERATOR)
    response = signed_in(client, member).post(
        reverse("space-status", args=[space.slug]), {"status": "archived"}
    )
    assert response.status_code == 403
    space.refresh_from_db()
    assert space.status == Status.LAUNCHED


# --- Ground rules ----------------------------------------------------------------------------


def test_rules_page_offers_acceptance_to_a_member_who_has_not_accepted(client, space):
    member = PersonFactory()
    add_member(space, member, accepted_rules=False)
    client = signed_in(client, member)
    body = client.get(reverse("space-rules", args=[space.slug])).content.decode()
    assert "I accept these ground rules" in body
    assert 'name="version" value="1"' in body
    response = client.post(reverse("space-rules", args=[space.slug]), {"version": "1"})
    assert response.status_code == 302
    membership = Membership.objects.get(space=space, person=member)
    assert membership.rules_version_accepted == 1
    body = client.get(reverse("space-rules", args=[space.slug])).content.decode()
    assert "I accept these ground rules" not in body
    assert "You accepted version 1" in body


def test_rules_acceptance_of_a_stale_version_asks_to_read_again(client, space, owner):
    member = PersonFactory()
    add_member(space, member, accepted_rules=False)
    do_publish_rules(space, "Version two.", actor=owner)
    response = signed_in(client, member).post(
        reverse("space-rules", args=[space.slug]), {"version": "1"}, follow=True
    )
    assert "please read them again" in " ".join(messages_of(response))
    assert Membership.objects.get(space=space, person=member).rules_version_accepted is None


@pytest.mark.parametrize("version", ["", "abc", "0"])
def test_rules_acceptance_with_a_broken_version_changes_nothing(client, space, version):
    member = PersonFactory()
    add_member(space, member, accepted_rules=False)
    response = signed_in(client, member).post(
        reverse("space-rules", args=[space.slug]), {"version": version}, follow=True
    )
    assert messages_of(response)
    assert Membership.objects.get(space=space, person=member).rules_version_accepted is None


def test_rules_acceptance_by_a_non_member_is_refused(client, space):
    response = signed_in(client, PersonFactory()).post(
        reverse("space-rules", args=[space.slug]), {"version": "1"}
    )
    assert response.status_code == 403
    assert "Join it first" in response.content.decode()


def test_rules_page_shows_history_to_owners_only(client, space, owner):
    do_publish_rules(space, "Version two.", actor=owner)
    body = signed_in(client, owner).get(reverse("space-rules", args=[space.slug])).content.decode()
    assert "Every version" in body
    assert "Version 1 ·" in body
    member = PersonFactory()
    add_member(space, member)
    body = signed_in(client, member).get(reverse("space-rules", args=[space.slug])).content.decode()
    assert "Every version" not in body


@pytest.mark.parametrize(("kind", "queries"), [("member", 5), ("owner", 6)])
def test_rules_page_query_count(client, django_assert_num_queries, space, owner, kind, queries):
    person = caller(kind, space, owner)
    for number in range(3):
        do_publish_rules(space, f"Version {number + 2}.", actor=owner)
    client = signed_in(client, person)
    # session, person, space, current rules, (history), organisation
    with django_assert_num_queries(queries):
        assert client.get(reverse("space-rules", args=[space.slug])).status_code == 200


# --- Join and leave --------------------------------------------------------------------------


def test_join_open_space_confirms_then_makes_a_member(client, space):
    colleague = PersonFactory()
    client = signed_in(client, colleague)
    page = client.get(reverse("space-join", args=[space.slug]))
    assert "Join this space" in page.content.decode()
    response = client.post(reverse("space-join", args=[space.slug]))
    assert response.status_code == 302
    membership = Membership.objects.get(space=space, person=colleague)
    assert membership.state == MembershipState.ACTIVE
    space.refresh_from_db()
    assert space.member_count == 2


def test_join_request_space_asks_the_questions(client, request_space):
    colleague = PersonFactory()
    client = signed_in(client, colleague)
    body = client.get(reverse("space-join", args=[request_space.slug])).content.decode()
    assert "Which course did you attend?" in body
    assert '<label for="id_answer_1">What do you hope to learn?' in body
    response = client.post(
        reverse("space-join", args=[request_space.slug]),
        {"answer_0": "Leading people", "answer_1": "Giving feedback"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(space=request_space, person=colleague)
    assert membership.state == MembershipState.PENDING
    assert membership.answers[1] == {
        "question": "What do you hope to learn?",
        "answer": "Giving feedback",
    }
    request_space.refresh_from_db()
    assert (request_space.member_count, request_space.pending_count) == (1, 1)


@pytest.mark.parametrize(
    "answers", [{}, {"answer_0": "Leading people"}, {"answer_0": "  ", "answer_1": "x"}]
)
def test_join_request_without_all_answers_shows_errors_and_changes_nothing(
    client, request_space, answers
):
    colleague = PersonFactory()
    response = signed_in(client, colleague).post(
        reverse("space-join", args=[request_space.slug]), answers
    )
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    assert not Membership.objects.filter(person=colleague).exists()
    request_space.refresh_from_db()
    assert request_space.pending_count == 0


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("invitation", "by invitation only"),
        ("archived", "archived"),
        ("banned", "cannot join it again"),
        ("pending", "waiting for a moderator"),
        ("member", "already a member"),
    ],
)
def test_join_refusals_are_explained_and_change_nothing(client, owner, setup, message):
    colleague = PersonFactory()
    fields = {"join_policy": JoinPolicy.INVITATION} if setup == "invitation" else {}
    status = Status.ARCHIVED if setup == "archived" else Status.LAUNCHED
    target = make_space(owner, name="Target", slug="target", status=status, **fields)
    states = {
        "banned": MembershipState.BANNED,
        "pending": MembershipState.PENDING,
        "member": MembershipState.ACTIVE,
    }
    if setup in states:
        add_member(target, colleague, state=states[setup])
    before = list(Membership.objects.values_list("pk", "state"))
    client = signed_in(client, colleague)
    page = client.get(reverse("space-join", args=[target.slug]))
    assert message in page.content.decode()
    response = client.post(reverse("space-join", args=[target.slug]))
    assert response.status_code == 403
    assert message in response.content.decode()
    assert list(Membership.objects.values_list("pk", "state")) == before


def test_join_secret_space_uninvited_is_not_found(client, secret_space):
    colleague = PersonFactory()
    response = signed_in(client, colleague).post(reverse("space-join", args=[secret_space.slug]))
    assert response.status_code == 404
    assert not Membership.objects.filter(person=colleague).exists()


def test_join_page_query_count(client, django_assert_num_queries, request_space):
    client = signed_in(client, PersonFactory())
    # session, person, space with my membership, organisation
    with django_assert_num_queries(4):
        assert client.get(reverse("space-join", args=[request_space.slug])).status_code == 200


def test_leave_makes_me_a_former_member(client, space):
    colleague = PersonFactory()
    add_member(space, colleague)
    response = signed_in(client, colleague).post(reverse("space-leave", args=[space.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("space-directory")
    assert Membership.objects.get(space=space, person=colleague).state == MembershipState.LEFT
    space.refresh_from_db()
    assert space.member_count == 1


def test_leave_withdraws_a_pending_request(client, request_space):
    colleague = PersonFactory()
    do_join_space(request_space, actor=colleague, answers=["a", "b"])
    response = signed_in(client, colleague).post(
        reverse("space-leave", args=[request_space.slug]), follow=True
    )
    assert "withdrawn" in " ".join(messages_of(response))
    request_space.refresh_from_db()
    assert request_space.pending_count == 0


def test_leave_by_the_last_owner_is_refused_with_a_message(client, space, owner):
    response = signed_in(client, owner).post(reverse("space-leave", args=[space.slug]), follow=True)
    assert "only owner" in " ".join(messages_of(response))
    membership = Membership.objects.get(space=space, person=owner)
    assert (membership.state, membership.role) == (MembershipState.ACTIVE, Role.OWNER)
    space.refresh_from_db()
    assert space.member_count == 1


def test_leave_needs_a_post(client, space, owner):
    response = signed_in(client, owner).get(reverse("space-leave", args=[space.slug]))
    assert response.status_code == 405


# --- Members ---------------------------------------------------------------------------------


def test_members_page_lists_role_department_and_level(client, space, owner):
    sales = DepartmentFactory(name="Sales")
    manager = LevelFactory(name="Manager")
    colleague = PersonFactory(display_name="Cora Colleague", department=sales, level=manager)
    add_member(space, colleague)
    response = signed_in(client, colleague).get(reverse("space-members", args=[space.slug]))
    body = response.content.decode()
    assert "Cora Colleague" in body
    assert "Sales" in body
    assert "Manager" in body
    assert "Owner" in body
    assert "Add people" not in body
    assert 'name="action"' not in body


def test_members_page_gives_moderators_the_tools(client, space, owner):
    moderator = PersonFactory()
    add_member(space, moderator, role=Role.MODERATOR)
    member = add_member(space, PersonFactory())
    body = (
        signed_in(client, moderator)
        .get(reverse("space-members", args=[space.slug]))
        .content.decode()
    )
    assert "Add people" in body
    assert "Add a whole department" in body
    member_url = reverse("space-member", args=[space.slug, member.pk])
    owner_url = reverse("space-member", args=[space.slug, Membership.objects.get(person=owner).pk])
    assert member_url in body
    # A moderator cannot act on the owner, and only owners change roles.
    assert owner_url not in body
    assert 'name="role"' not in body


def test_members_page_paginates(client, space, owner):
    for _ in range(55):
        add_member(space)
    client = signed_in(client, owner)
    first = client.get(reverse("space-members", args=[space.slug]))
    assert len(first.context["page"].items) == 50
    second = client.get(reverse("space-members", args=[space.slug]) + first.context["next_url"])
    assert len(second.context["page"].items) == 6


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(("kind", "queries"), [("member", 5), ("moderator", 6)])
def test_members_page_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, space, owner, rows, kind, queries
):
    person = caller(kind, space, owner)
    sales = DepartmentFactory()
    level = LevelFactory()
    for _ in range(rows):
        add_member(space, PersonFactory(department=sales, level=level))
    client = signed_in(client, person)
    # session, person, space, members page, (department choices), organisation
    with django_assert_num_queries(queries):
        assert client.get(reverse("space-members", args=[space.slug])).status_code == 200


def test_invite_people_by_email_adds_members(client, space, owner):
    first = PersonFactory(email="ana@example.org")
    second = PersonFactory(email="ben@example.org")
    response = signed_in(client, owner).post(
        reverse("space-invite", args=[space.slug]),
        {"emails": "ANA@example.org, ben@example.org\n"},
    )
    assert response.status_code == 302
    states = set(
        Membership.objects.filter(person__in=[first, second]).values_list("state", flat=True)
    )
    assert states == {MembershipState.ACTIVE}
    space.refresh_from_db()
    assert space.member_count == 3


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        ("ana@example.org\nnobody@example.org", "nobody@example.org"),
        ("not-an-address", "not a valid e-mail address"),
        ("", "required"),
    ],
)
def test_invite_people_with_bad_addresses_changes_nothing(client, space, owner, emails, message):
    PersonFactory(email="ana@example.org")
    response = signed_in(client, owner).post(
        reverse("space-invite", args=[space.slug]), {"emails": emails}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["invite_form"].errors["emails"])
    assert Membership.objects.filter(space=space).count() == 1


def test_invite_people_by_a_member_is_refused(client, space):
    member = PersonFactory()
    add_member(space, member)
    PersonFactory(email="ana@example.org")
    response = signed_in(client, member).post(
        reverse("space-invite", args=[space.slug]), {"emails": "ana@example.org"}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(space=space).count() == 2


def test_invite_department_adds_its_people_and_teams(client, space, owner):
    sales = DepartmentFactory(name="Sales")
    team = DepartmentFactory(name="Inside sales", parent=sales)
    PersonFactory(department=sales)
    PersonFactory(department=team)
    PersonFactory(department=sales, is_active=False)
    PersonFactory()
    response = signed_in(client, owner).post(
        reverse("space-invite-department", args=[space.slug]), {"department": sales.pk}
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.member_count == 3


def test_invite_department_with_an_unknown_department_changes_nothing(client, space, owner):
    response = signed_in(client, owner).post(
        reverse("space-invite-department", args=[space.slug]), {"department": "999999"}
    )
    assert response.status_code == 400
    assert response.context["department_form"].errors["department"]
    assert Membership.objects.filter(space=space).count() == 1


def test_member_remove_and_ban(client, space, owner):
    first = add_member(space)
    second = add_member(space)
    client = signed_in(client, owner)
    client.post(reverse("space-member", args=[space.slug, first.pk]), {"action": "remove"})
    client.post(reverse("space-member", args=[space.slug, second.pk]), {"action": "ban"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == MembershipState.LEFT
    assert second.state == MembershipState.BANNED
    space.refresh_from_db()
    assert space.member_count == 1


def test_owner_changes_roles(client, space, owner):
    member = add_member(space)
    client = signed_in(client, owner)
    url = reverse("space-member", args=[space.slug, member.pk])
    assert client.post(url, {"action": "role", "role": "moderator"}).status_code == 302
    member.refresh_from_db()
    assert member.role == Role.MODERATOR
    response = client.post(url, {"action": "role", "role": "emperor"}, follow=True)
    assert "role must be one of" in " ".join(messages_of(response))
    member.refresh_from_db()
    assert member.role == Role.MODERATOR


def test_moderator_cannot_change_roles_or_ban_the_owner(client, space, owner):
    moderator = PersonFactory()
    add_member(space, moderator, role=Role.MODERATOR)
    member = add_member(space)
    owner_membership = Membership.objects.get(space=space, person=owner)
    client = signed_in(client, moderator)
    role_url = reverse("space-member", args=[space.slug, member.pk])
    assert client.post(role_url, {"action": "role", "role": "owner"}).status_code == 403
    ban_url = reverse("space-member", args=[space.slug, owner_membership.pk])
    assert client.post(ban_url, {"action": "ban"}).status_code == 403
    member.refresh_from_db()
    owner_membership.refresh_from_db()
    assert member.role == Role.MEMBER
    assert owner_membership.state == MembershipState.ACTIVE


def test_member_action_on_a_membership_of_another_space_is_not_found(client, space, owner):
    other = make_space(owner, name="Other", slug="other")
    stranger = add_member(other)
    response = signed_in(client, owner).post(
        reverse("space-member", args=[space.slug, stranger.pk]), {"action": "remove"}
    )
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.state == MembershipState.ACTIVE


def test_member_action_by_a_plain_member_is_refused(client, space):
    member = PersonFactory()
    add_member(space, member)
    other = add_member(space)
    response = signed_in(client, member).post(
        reverse("space-member", args=[space.slug, other.pk]), {"action": "remove"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.state == MembershipState.ACTIVE


# --- Requests --------------------------------------------------------------------------------


def make_requests(space, count):
    return [
        do_join_space(space, actor=PersonFactory(), answers=[f"Course {n}", f"Hope {n}"])
        for n in range(count)
    ]


def test_requests_page_shows_pending_requests_with_answers(client, request_space, owner):
    make_requests(request_space, 2)
    body = (
        signed_in(client, owner)
        .get(reverse("space-requests", args=[request_space.slug]))
        .content.decode()
    )
    assert "Which course did you attend?" in body
    assert "Course 1" in body
    assert "Approve the selected" in body


def test_requests_approve_one_without_javascript(client, request_space, owner):
    (pending,) = make_requests(request_space, 1)
    response = signed_in(client, owner).post(
        reverse("space-requests", args=[request_space.slug]),
        {"ids": [pending.pk], "decision": "approve"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("space-requests", args=[request_space.slug])
    pending.refresh_from_db()
    assert pending.state == MembershipState.ACTIVE
    request_space.refresh_from_db()
    assert (request_space.member_count, request_space.pending_count) == (2, 0)


def test_requests_approve_one_with_htmx_returns_the_row(client, request_space, owner):
    pending, other = make_requests(request_space, 2)
    response = signed_in(client, owner).post(
        reverse("space-requests", args=[request_space.slug]),
        {"ids": [pending.pk], "decision": "approve"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="request-{pending.pk}">')
    assert "<html" not in body
    assert "Approved: now a member" in body
    # One request is still waiting: both counts are swapped in out of band.
    assert '<span class="count" id="pending-count" hx-swap-oob="true">1</span>' in body
    assert '<span id="pending-badge" hx-swap-oob="true"><span class="badge warn">1<' in body
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.state == MembershipState.ACTIVE
    assert other.state == MembershipState.PENDING


def test_requests_decided_elsewhere_refreshes_the_htmx_page(client, request_space, owner):
    (pending,) = make_requests(request_space, 1)
    client = signed_in(client, owner)
    url = reverse("space-requests", args=[request_space.slug])
    client.post(url, {"ids": [pending.pk], "decision": "decline"})
    response = client.post(
        url, {"ids": [pending.pk], "decision": "approve"}, headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Refresh"] == "true"
    pending.refresh_from_db()
    assert pending.state == MembershipState.DECLINED


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_requests_decide_in_bulk(client, request_space, owner, decision):
    requests = make_requests(request_space, 3)
    response = signed_in(client, owner).post(
        reverse("space-requests", args=[request_space.slug]),
        {"ids": [item.pk for item in requests[:2]], "decision": decision},
        follow=True,
    )
    verb = "Approved" if decision == "approve" else "Declined"
    assert f"{verb} 2 requests." in messages_of(response)
    states = [Membership.objects.get(pk=item.pk).state for item in requests]
    expected = MembershipState.ACTIVE if decision == "approve" else MembershipState.DECLINED
    assert states == [expected, expected, MembershipState.PENDING]
    request_space.refresh_from_db()
    assert request_space.pending_count == 1
    assert request_space.member_count == (3 if decision == "approve" else 1)


def test_requests_bulk_with_an_already_decided_request_changes_nothing(
    client, request_space, owner
):
    first, second = make_requests(request_space, 2)
    client = signed_in(client, owner)
    url = reverse("space-requests", args=[request_space.slug])
    client.post(url, {"ids": [first.pk], "decision": "decline"})
    response = client.post(url, {"ids": [first.pk, second.pk], "decision": "approve"}, follow=True)
    assert "already been handled. Nothing was changed." in " ".join(messages_of(response))
    second.refresh_from_db()
    assert second.state == MembershipState.PENDING
    request_space.refresh_from_db()
    assert (request_space.member_count, request_space.pending_count) == (1, 1)


@pytest.mark.parametrize(
    "data",
    [{"decision": "approve"}, {"ids": ["abc"], "decision": "approve"}, {"ids": ["1"]}],
)
def test_requests_with_bad_input_change_nothing(client, request_space, owner, data):
    (pending,) = make_requests(request_space, 1)
    response = signed_in(client, owner).post(
        reverse("space-requests", args=[request_space.slug]), data, follow=True
    )
    assert "Choose at least one request" in " ".join(messages_of(response))
    pending.refresh_from_db()
    assert pending.state == MembershipState.PENDING


def test_requests_decision_by_a_member_is_refused(client, request_space):
    (pending,) = make_requests(request_space, 1)
    member = PersonFactory()
    add_member(request_space, member)
    response = signed_in(client, member).post(
        reverse("space-requests", args=[request_space.slug]),
        {"ids": [pending.pk], "decision": "approve"},
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == MembershipState.PENDING


@pytest.mark.parametrize("rows", [1, 50])
def test_requests_page_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, request_space, owner, rows
):
    sales = DepartmentFactory()
    level = LevelFactory()
    for _ in range(rows):
        do_join_space(
            request_space, actor=PersonFactory(department=sales, level=level), answers=["a", "b"]
        )
    client = signed_in(client, owner)
    # session, person, space, the page of requests, organisation
    with django_assert_num_queries(5):
        response = client.get(reverse("space-requests", args=[request_space.slug]))
    assert len(response.context["page"].items) == rows
