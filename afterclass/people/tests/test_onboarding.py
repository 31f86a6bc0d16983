"""The first visit's welcome: who sees it, its steps (profile, spaces to join, a first post),
and the spaces suggested."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.people.actions import (
    do_create_person,
    do_finish_onboarding,
    do_register_invited_person,
    do_update_profile,
)
from afterclass.people.models import Invitation, Organisation, Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.posts.models import Hashtag, Post, PostHashtag
from afterclass.spaces.actions import do_publish_rules
from afterclass.spaces.models import JoinPolicy, Membership, MembershipState, Visibility
from afterclass.spaces.suggestions import suggested_spaces
from afterclass.spaces.tests.factories import add_member, make_space

PASSWORD = "demo-password"


@pytest.fixture
def newcomer(db) -> Person:
    return PersonFactory(onboarded_at=None, job_title="")


def _sign_in(client, person: Person, **extra):
    return client.post(
        reverse("account_login"), {"login": person.email, "password": PASSWORD, **extra}
    )


def _picture() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(data, "PNG")
    data.name = "me.png"
    data.seek(0)
    return data


# --- Who is welcomed ------------------------------------------------------------------------


def test_people_made_by_an_admin_or_an_invitation_start_not_onboarded(admin):
    made = do_create_person("nina@example.org", actor=admin, display_name="Nina")
    told_done = do_create_person(
        "omar@example.org", actor=admin, display_name="Omar", onboarded_at=timezone.now()
    )
    invitation = Invitation.objects.create(
        email="pia@example.org", token_hash="x" * 64, expires_at=timezone.now().replace(year=2100)
    )
    invited = do_register_invited_person(
        invitation, display_name="Pia", password="a-long-pass-phrase"
    )

    assert made.onboarded_at is None
    assert invited.onboarded_at is None
    assert told_done.onboarded_at is not None


def test_people_who_existed_count_as_onboarded(person):
    assert person.onboarded_at is not None


def test_signing_up_starts_not_onboarded(client, db):
    Organisation.objects.update_or_create(pk=1, defaults={"allowed_domains": ["example.org"]})

    response = client.post(
        reverse("account_signup"),
        {
            "email": "quinn@example.org",
            "display_name": "Quinn",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding")
    assert Person.objects.get(email="quinn@example.org").onboarded_at is None


def test_first_sign_in_lands_on_the_welcome(client, newcomer):
    response = _sign_in(client, newcomer)

    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding")


def test_sign_in_of_someone_onboarded_goes_home(client, person):
    assert _sign_in(client, person)["Location"] == reverse("home")


def test_sign_in_with_a_next_link_follows_it_even_when_new(client, newcomer):
    response = _sign_in(client, newcomer, next="/spaces/")

    assert response["Location"] == "/spaces/"


def test_the_feed_sends_someone_new_to_the_welcome(client, newcomer):
    client.force_login(newcomer)

    assert client.get(reverse("home-feed"))["Location"] == reverse("onboarding")


def test_other_pages_do_not_interrupt_someone_new(client, newcomer):
    client.force_login(newcomer)

    assert client.get(reverse("space-directory")).status_code == 200
    assert client.get(reverse("my-profile")).status_code == 200


def test_the_feed_shows_for_someone_onboarded(client, person):
    client.force_login(person)

    assert client.get(reverse("home-feed")).status_code == 200


# --- Finishing ------------------------------------------------------------------------------


def test_do_finish_onboarding_marks_it_done_once(newcomer):
    do_finish_onboarding(newcomer, actor=newcomer)
    first = newcomer.onboarded_at
    do_finish_onboarding(newcomer, actor=newcomer)

    newcomer.refresh_from_db()
    assert newcomer.onboarded_at == first is not None
    assert AuditEntry.objects.filter(action="person.onboarded").count() == 1


def test_do_finish_onboarding_is_only_for_oneself(newcomer, admin):
    with pytest.raises(NotAllowed):
        do_finish_onboarding(newcomer, actor=admin)


def test_done_goes_to_the_feed_or_the_next_page_on_this_site(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("onboarding-done"), {"next": "/compose/?space=data"})

    assert response["Location"] == "/compose/?space=data"
    newcomer.refresh_from_db()
    assert newcomer.onboarded_at is not None
    assert client.get(reverse("home-feed")).status_code == 200


def test_done_never_goes_to_another_site(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("onboarding-done"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("home-feed")


def test_done_refuses_get_and_the_signed_out(client, newcomer):
    assert client.post(reverse("onboarding-done"))["Location"].startswith(reverse("account_login"))
    client.force_login(newcomer)
    assert client.get(reverse("onboarding-done")).status_code == 405


# --- Step 1: the profile --------------------------------------------------------------------


def test_profile_step_shows_the_profile_forms(client, newcomer):
    DepartmentFactory(name="Finance")
    client.force_login(newcomer)

    body = client.get(reverse("onboarding")).content.decode()

    for label in ("New picture", "Department", "Job title", "Interests", "Later"):
        assert label in body
    assert 'enctype="multipart/form-data"' in body


def test_profile_step_saves_through_the_profile_action(client, newcomer):
    finance = DepartmentFactory(name="Finance")
    client.force_login(newcomer)

    response = client.post(
        reverse("onboarding"),
        {
            "display_name": "Nina Patel",
            "job_title": "Analyst",
            "bio": "",
            "interests": "data, coaching",
            "department": str(finance.pk),
            "avatar": _picture(),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding-spaces")
    newcomer.refresh_from_db()
    assert newcomer.job_title == "Analyst"
    assert newcomer.interests == ["data", "coaching"]
    assert newcomer.department == finance
    assert newcomer.avatar
    assert newcomer.onboarded_at is None  # finished only at the end


def test_profile_step_shows_a_set_department_and_does_not_change_it(client, newcomer):
    finance, sales = DepartmentFactory(name="Finance"), DepartmentFactory(name="Sales")
    Person.objects.filter(pk=newcomer.pk).update(department=finance)
    client.force_login(newcomer)

    assert "set by your organisation" in client.get(reverse("onboarding")).content.decode()
    client.post(
        reverse("onboarding"),
        {"display_name": "Nina", "interests": "", "department": str(sales.pk)},
    )
    newcomer.refresh_from_db()
    assert newcomer.department == finance


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": ""}, "Your name cannot be empty."),
        ({"display_name": "Nina", "interests": "x" * 41}, "Up to 20 interests"),
        ({"display_name": "Nina", "department": "999999"}, "Select a valid choice"),
    ],
)
def test_profile_step_refuses_bad_input_with_the_reason(client, newcomer, data, message):
    DepartmentFactory(name="Finance")
    client.force_login(newcomer)

    response = client.post(reverse("onboarding"), data)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_profile_step_refuses_a_file_that_is_not_a_picture(client, newcomer):
    client.force_login(newcomer)
    upload = io.BytesIO(b"not a picture")
    upload.name = "me.png"

    response = client.post(reverse("onboarding"), {"display_name": "Nina", "avatar": upload})

    assert response.status_code == 400
    newcomer.refresh_from_db()
    assert not newcomer.avatar


def test_a_person_fills_in_their_department_only_while_it_is_empty(newcomer):
    finance, sales = DepartmentFactory(name="Finance"), DepartmentFactory(name="Sales")

    do_update_profile(newcomer, actor=newcomer, department=finance)
    with pytest.raises(InvalidInput):
        do_update_profile(newcomer, actor=newcomer, department=sales)
    with pytest.raises(InvalidInput):
        do_update_profile(newcomer, actor=newcomer, level=LevelFactory())
    assert newcomer.department == finance


# --- Suggested spaces -----------------------------------------------------------------------


def test_suggestions_are_listed_spaces_one_may_join_and_is_not_in(newcomer):
    owner = PersonFactory()
    open_space = make_space(owner, name="Open", slug="open")
    asked = make_space(owner, name="Asked", slug="asked", join_policy=JoinPolicy.REQUEST)
    make_space(owner, name="Secret", slug="secret", visibility=Visibility.SECRET)
    make_space(owner, name="Planned", slug="planned", status="planning")
    make_space(owner, name="Archived", slug="archived", status="archived")
    make_space(owner, name="Invited", slug="invited", join_policy=JoinPolicy.INVITATION)
    for name, state in [
        ("Joined", MembershipState.ACTIVE),
        ("Pending", MembershipState.PENDING),
        ("Banned", MembershipState.BANNED),
    ]:
        add_member(make_space(owner, name=name, slug=name.lower()), newcomer, state=state)
    left = make_space(owner, name="Left", slug="left")
    add_member(left, newcomer, state=MembershipState.LEFT)

    slugs = {suggestion.space.slug for suggestion in suggested_spaces(newcomer)}

    assert slugs == {open_space.slug, asked.slug, left.slug}


def test_suggestions_for_the_signed_out_or_deactivated_are_none(newcomer):
    make_space(PersonFactory(), name="Open", slug="open")
    newcomer.is_active = False

    assert suggested_spaces(newcomer) == []


def test_suggestions_rank_interests_department_and_level_and_say_why(newcomer):
    finance = DepartmentFactory(name="Finance")
    accounts = DepartmentFactory(name="Accounts", parent=finance)
    staff = LevelFactory(name="Staff", rank=1)
    Person.objects.filter(pk=newcomer.pk).update(
        department=accounts, level=staff, interests=["coaching", "public speaking"]
    )
    newcomer.refresh_from_db()
    owner = PersonFactory()
    make_space(owner, name="Plain", slug="plain")
    colleagues = make_space(owner, name="Colleagues", slug="colleagues")
    for _ in range(2):
        add_member(colleagues, PersonFactory(department=finance, level=staff))
    make_space(owner, name="Coaching circle", slug="coaching")
    tagged = make_space(owner, name="Talks", slug="talks")
    post = Post.objects.create(space=tagged, author=owner, kind="discussion", title="Hi")
    PostHashtag.objects.create(post=post, tag=Hashtag.objects.create(name="publicspeaking"))
    for_finance = make_space(owner, name="Budget", slug="budget", audience="departments")
    for_finance.audience_departments.add(finance)

    suggestions = {s.space.slug: s for s in suggested_spaces(newcomer)}

    # Two colleagues and two at my level (2 + 2) before one interest or the audience (3 each),
    # ties by size then name; nothing in common last. A hashtag on a post inside a space I am
    # not in says nothing to me: its posts are its members' (Talks ranks as Plain does).
    assert list(suggestions) == ["colleagues", "budget", "coaching", "plain", "talks"]
    assert suggestions["coaching"].reason == "About coaching"
    assert "public speaking" not in suggestions["talks"].reason
    assert suggestions["budget"].reason == "Planned for your department"
    assert suggestions["colleagues"].reason == (
        "2 colleagues from your department · 2 members at your level"
    )
    assert suggestions["plain"].reason == "1 member, open to everyone"


def test_suggestions_carry_the_current_ground_rules(newcomer):
    owner = PersonFactory()
    ruled = make_space(owner, name="Ruled", slug="ruled", rules="Be kind.")
    do_publish_rules(ruled, "Be kind. Cite sources.", actor=owner)

    [suggestion] = suggested_spaces(newcomer)

    assert suggestion.rules is not None
    assert suggestion.rules.version == 2
    assert suggestion.rules.body == "Be kind. Cite sources."


@pytest.mark.parametrize("count", [1, 6])
def test_suggestions_take_two_queries_however_many(newcomer, django_assert_num_queries, count):
    owner = PersonFactory()
    Person.objects.filter(pk=newcomer.pk).update(
        department=DepartmentFactory(), level=LevelFactory(), interests=["data", "coaching"]
    )
    newcomer.refresh_from_db()
    for number in range(count):
        add_member(make_space(owner, name=f"Space {number}", slug=f"space-{number}"))

    with django_assert_num_queries(2):
        suggestions = suggested_spaces(newcomer)
    assert len(suggestions) == count


# --- Step 2: joining in one click -----------------------------------------------------------


def test_spaces_step_lists_suggestions_with_rules_and_ask_to_join(client, newcomer):
    owner = PersonFactory()
    make_space(owner, name="Ruled", slug="ruled", rules="Be **kind**.")
    make_space(owner, name="Asked", slug="asked", join_policy=JoinPolicy.REQUEST)
    make_space(
        owner,
        name="Questions",
        slug="questions",
        join_policy=JoinPolicy.REQUEST,
        membership_questions=["Why?"],
    )
    client.force_login(newcomer)

    body = client.get(reverse("onboarding-spaces")).content.decode()

    assert "<strong>kind</strong>" in body
    assert "Accept the rules and join" in body
    assert body.count("Ask to join<") == 2
    assert reverse("space-join", args=["questions"]) in body


def test_joining_in_place_accepts_the_rules_shown(client, newcomer):
    space = make_space(PersonFactory(), name="Ruled", slug="ruled")
    client.force_login(newcomer)

    response = client.post(
        reverse("onboarding-join", args=[space.slug]),
        {"rules_version": str(space.rules_version)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "You joined “Ruled”." in response.content.decode()
    assert "afterclass-updated" in response["HX-Trigger-After-Settle"]
    membership = Membership.objects.get(space=space, person=newcomer)
    assert membership.state == MembershipState.ACTIVE
    assert membership.rules_version_accepted == space.rules_version


def test_joining_refuses_rules_not_shown(client, newcomer):
    space = make_space(PersonFactory(), name="Ruled", slug="ruled")
    client.force_login(newcomer)

    response = client.post(
        reverse("onboarding-join", args=[space.slug]), headers={"HX-Request": "true"}
    )

    assert "have changed; read them again" in response.content.decode()
    assert not Membership.objects.filter(space=space, person=newcomer).exists()


def test_asking_to_join_in_place_sends_a_request(client, newcomer):
    space = make_space(PersonFactory(), name="Asked", slug="asked", join_policy=JoinPolicy.REQUEST)
    client.force_login(newcomer)

    response = client.post(
        reverse("onboarding-join", args=[space.slug]),
        {"rules_version": str(space.rules_version)},
    )

    assert response["Location"] == reverse("onboarding-spaces")
    membership = Membership.objects.get(space=space, person=newcomer)
    assert membership.state == MembershipState.PENDING


def test_joining_a_space_one_may_not_join_says_why(client, newcomer):
    space = make_space(
        PersonFactory(), name="Invited", slug="invited", join_policy=JoinPolicy.INVITATION
    )
    client.force_login(newcomer)

    response = client.post(
        reverse("onboarding-join", args=[space.slug]), headers={"HX-Request": "true"}
    )

    assert "by invitation only" in response.content.decode()
    assert not Membership.objects.filter(space=space, person=newcomer).exists()


def test_joining_a_secret_space_is_not_found(client, newcomer):
    space = make_space(PersonFactory(), name="Secret", slug="secret", visibility=Visibility.SECRET)
    client.force_login(newcomer)

    assert client.post(reverse("onboarding-join", args=[space.slug])).status_code == 404


# --- Step 3: a first post -------------------------------------------------------------------


def test_first_post_step_offers_the_composer_in_spaces_joined(client, newcomer):
    owner = PersonFactory()
    joined = make_space(owner, name="Joined", slug="joined")
    add_member(joined, newcomer)
    unaccepted = make_space(owner, name="Unaccepted", slug="unaccepted")
    add_member(unaccepted, newcomer, accepted_rules=False)
    make_space(owner, name="Other", slug="other")
    client.force_login(newcomer)

    body = client.get(reverse("onboarding-first-post")).content.decode()

    assert 'value="/compose/?space=joined"' in body
    assert "unaccepted" not in body
    assert "Other" not in body
    assert "Later" in body


def test_first_post_step_without_spaces_points_back_to_them(client, newcomer):
    client.force_login(newcomer)

    body = client.get(reverse("onboarding-first-post")).content.decode()

    assert reverse("onboarding-spaces") in body
    assert "Finish" in body


@pytest.mark.parametrize("name", ["onboarding", "onboarding-spaces", "onboarding-first-post"])
def test_welcome_pages_need_signing_in(client, db, name):
    response = client.get(reverse(name))

    assert response["Location"].startswith(reverse("account_login"))
