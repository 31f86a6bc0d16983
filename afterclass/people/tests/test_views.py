"""The people pages: what each shows, what each form refuses, and how many queries each costs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from afterclass.people.actions import hash_secret
from afterclass.people.models import (
    AccessToken,
    Department,
    Invitation,
    ManagementLevel,
    Organisation,
    Person,
)
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.search.index import rebuild

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
    Organisation.current()


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def picture(size=(800, 600), fmt="JPEG", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 120, 40))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCameraMaker"  # Make
        data[0x0110] = "SecretModel"  # Model
        image.save(buffer, format=fmt, exif=data.tobytes())
    else:
        image.save(buffer, format=fmt)
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- People directory ---------------------------------------------------------------------


def test_directory_shows_cards_with_name_title_department_and_level(signed_in):
    sales = DepartmentFactory(name="Sales")
    inside = DepartmentFactory(name="Inside sales", parent=sales)
    manager = LevelFactory(name="Manager")
    PersonFactory(
        display_name="Amira Osei", job_title="Account lead", department=inside, level=manager
    )

    response = signed_in.get(reverse("people-directory"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Amira Osei" in body
    assert "Account lead" in body
    assert "Sales / Inside sales" in body
    assert "Manager" in body
    assert 'class="avatar" aria-hidden="true">AO<' in body


def test_directory_searches_by_name(signed_in):
    PersonFactory(display_name="Amira Osei")
    PersonFactory(display_name="Boris Lang")
    rebuild()

    body = signed_in.get(reverse("people-directory"), {"q": "amira"}).content.decode()

    assert "Amira Osei" in body
    assert "Boris Lang" not in body


def test_directory_search_finds_a_name_as_it_is_typed(signed_in):
    PersonFactory(display_name="Amira Osei")
    PersonFactory(display_name="Boris Lang")
    rebuild()

    page = signed_in.get(reverse("people-directory"), {"q": "Ami"}).context["page"]

    assert [someone.display_name for someone in page.items] == ["Amira Osei"]


def test_directory_search_puts_name_matches_before_other_matches(signed_in):
    PersonFactory(display_name="Ann Baker", job_title="Sage consultant")
    PersonFactory(display_name="Sage Lee", job_title="Analyst")
    rebuild()

    page = signed_in.get(reverse("people-directory"), {"q": "sage"}).context["page"]

    assert [someone.display_name for someone in page.items] == ["Sage Lee", "Ann Baker"]


def test_directory_search_matches_departments_and_interests_within_the_filters(signed_in):
    payroll = DepartmentFactory(name="Payroll", parent=DepartmentFactory(name="Finance"))
    director = LevelFactory(name="Director")
    PersonFactory(display_name="Dee Payroll", department=payroll, level=director)
    PersonFactory(display_name="Sam Payroll", department=payroll)
    PersonFactory(display_name="Ivy Interests", interests=["payroll rules"], level=director)
    rebuild()

    def found(**params):
        page = signed_in.get(reverse("people-directory"), params).context["page"]
        return sorted(someone.display_name for someone in page.items)

    assert found(q="payroll") == ["Dee Payroll", "Ivy Interests", "Sam Payroll"]
    assert found(q="payroll", level=director.pk) == ["Dee Payroll", "Ivy Interests"]
    assert found(q="payroll", department=payroll.parent_id, level=director.pk) == ["Dee Payroll"]


def test_directory_filters_by_department_including_its_teams(signed_in):
    sales = DepartmentFactory(name="Sales")
    team = DepartmentFactory(name="Inside sales", parent=sales)
    other = DepartmentFactory(name="Finance")
    PersonFactory(display_name="In department", department=sales)
    PersonFactory(display_name="In team", department=team)
    PersonFactory(display_name="Elsewhere", department=other)

    body = signed_in.get(reverse("people-directory"), {"department": sales.pk}).content.decode()

    assert "In department" in body
    assert "In team" in body
    assert "Elsewhere" not in body


def test_directory_filters_by_level(signed_in):
    staff, director = LevelFactory(name="Staff"), LevelFactory(name="Director")
    PersonFactory(display_name="Sam Staff", level=staff)
    PersonFactory(display_name="Dee Director", level=director)

    body = signed_in.get(reverse("people-directory"), {"level": director.pk}).content.decode()

    assert "Dee Director" in body
    assert "Sam Staff" not in body


def test_directory_leaves_out_deactivated_people(signed_in):
    PersonFactory(display_name="Gone Person", is_active=False)

    body = signed_in.get(reverse("people-directory")).content.decode()

    assert "Gone Person" not in body


def test_directory_pages_with_a_next_link(signed_in, person):
    for number in range(30):
        PersonFactory(display_name=f"Zed {number:02d}")
    rebuild()

    first = signed_in.get(reverse("people-directory"), {"q": "zed"})
    page = first.context["page"]
    assert len(page.items) == 25
    assert page.next
    assert 'rel="next"' in first.content.decode()

    second = signed_in.get(reverse("people-directory"), {"q": "zed", "cursor": page.next})
    names = [someone.display_name for someone in second.context["page"].items]
    assert names == [f"Zed {number:02d}" for number in range(25, 30)]
    assert second.context["page"].next is None


def test_directory_answers_htmx_with_just_the_results(signed_in):
    PersonFactory(display_name="Amira Osei")
    rebuild()

    response = signed_in.get(reverse("people-directory"), {"q": "amira"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body
    assert "Amira Osei" in body
    assert "HX-Request" in response["Vary"]


def test_directory_search_input_asks_for_live_results(signed_in):
    body = signed_in.get(reverse("people-directory")).content.decode()

    assert 'hx-trigger="input changed delay:300ms, search"' in body
    assert f'hx-get="{reverse("people-directory")}"' in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 201}, "The search can be at most 200 characters."),
        ({"department": "abc"}, "Select a valid choice"),
        ({"level": "999999"}, "Select a valid choice"),
        ({"cursor": "not-a-cursor"}, "This page link is not valid."),
    ],
)
def test_directory_refuses_bad_filters_clearly(signed_in, params, message):
    response = signed_in.get(reverse("people-directory"), params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_directory_sends_anonymous_people_to_sign_in(client):
    response = client.get(reverse("people-directory"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("rows", [1, 50])
def test_directory_query_count_is_the_same_for_1_and_50_people(
    signed_in, django_assert_num_queries, rows
):
    team = DepartmentFactory(parent=DepartmentFactory())
    level = LevelFactory()
    PersonFactory.create_batch(rows, department=team, level=level, job_title="Surveyor")
    rebuild()

    # session, person, organisation, departments, levels, the ranked page of the search
    # index, the people on it
    with django_assert_num_queries(7):
        response = signed_in.get(
            reverse("people-directory"), {"q": "surveyor", "department": team.parent_id}
        )
    assert response.status_code == 200
    assert len(response.context["page"].items) == min(rows, 25)
    with django_assert_num_queries(7):
        signed_in.get(reverse("people-directory"), {"q": "surveyor"}, **HTMX)


# --- Profile ------------------------------------------------------------------------------


def test_profile_shows_department_with_parent_level_bio_and_interests(signed_in):
    sales = DepartmentFactory(name="Sales")
    team = DepartmentFactory(name="Inside sales", parent=sales)
    someone = PersonFactory(
        display_name="Amira Osei",
        job_title="Account lead",
        department=team,
        level=LevelFactory(name="Manager"),
        bio="I run the Monday pipeline review.",
        interests=["negotiation", "Excel"],
    )

    response = signed_in.get(reverse("person-profile", args=[someone.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    for text in ["Amira Osei", "Account lead", "Inside sales", "(in Sales)", "Manager"]:
        assert text in body
    assert "I run the Monday pipeline review." in body
    assert "negotiation" in body
    assert "Excel" in body
    assert "Deactivated" not in body


def test_profile_marks_a_deactivated_person(signed_in):
    someone = PersonFactory(display_name="Former Colleague", is_active=False)

    response = signed_in.get(reverse("person-profile", args=[someone.pk]))

    assert response.status_code == 200
    assert "Deactivated" in response.content.decode()


def test_profile_of_unknown_person_is_404(signed_in):
    response = signed_in.get(reverse("person-profile", args=[999999]))

    assert response.status_code == 404
    assert "There is no such person." in response.content.decode()


def test_profile_escapes_what_people_write(signed_in):
    someone = PersonFactory(bio="<script>alert(1)</script>", interests=["<b>bold</b>"])

    body = signed_in.get(reverse("person-profile", args=[someone.pk])).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert "<b>bold</b>" not in body


def test_profile_query_count(signed_in, django_assert_num_queries):
    someone = PersonFactory(department=DepartmentFactory(parent=DepartmentFactory()))

    # session, person, organisation, the profile with department, parent and level; then what
    # they contributed (posts.activity.contributions): 3 counts, colleagues helped, their
    # spaces, recent posts and recent answers; where their answers helped (posts.experts.go_to_for:
    # spaces, topics)
    with django_assert_num_queries(13):
        response = signed_in.get(reverse("person-profile", args=[someone.pk]))
    assert response.status_code == 200


# --- My profile ---------------------------------------------------------------------------


def test_my_profile_shows_my_details_and_links_to_tokens(signed_in, person):
    response = signed_in.get(reverse("my-profile"))

    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{person.display_name}"' in body
    assert reverse("my-sessions") in body
    assert reverse("mfa_index") in body
    assert reverse("account_change_password") in body


def test_my_profile_saves_name_title_bio_and_interests(signed_in, person):
    response = signed_in.post(
        reverse("my-profile"),
        {
            "display_name": "Pat Jones",
            "job_title": "Trainer",
            "bio": "I teach Excel.",
            "interests": "data, coaching , data",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Pat Jones"
    assert person.job_title == "Trainer"
    assert person.bio == "I teach Excel."
    assert person.interests == ["data", "coaching"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "", "Your name cannot be empty."),
        ("display_name", "   ", "Your name cannot be empty."),
        ("display_name", "x" * 121, "Your name can be at most 120 characters."),
        ("job_title", "x" * 121, "The job title can be at most 120 characters."),
        ("bio", "x" * 601, "About you can be at most 600 characters."),
        ("interests", ",".join(f"topic{n}" for n in range(21)), "Up to 20 interests"),
        ("interests", "x" * 41, "Up to 20 interests of at most 40 characters each."),
    ],
)
def test_my_profile_refuses_bad_input_and_changes_nothing(signed_in, person, field, value, message):
    data = {"display_name": "Pat Jones", "job_title": "", "bio": "", "interests": ""}
    data[field] = value

    response = signed_in.post(reverse("my-profile"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    before = person.display_name
    person.refresh_from_db()
    assert person.display_name == before
    assert person.interests == []


def test_my_avatar_is_resized_and_stripped_of_metadata(signed_in, person):
    response = signed_in.post(reverse("my-avatar"), {"avatar": picture((1200, 900))})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.avatar
    with Image.open(person.avatar.path) as stored:
        assert max(stored.size) <= 256
        assert not stored.getexif()
        assert "exif" not in stored.info
    with open(person.avatar.path, "rb") as raw:
        content = raw.read()
    assert b"SecretCameraMaker" not in content
    # It is shown on my page and can be fetched by a colleague.
    assert person.avatar.url in signed_in.get(reverse("my-profile")).content.decode()
    assert signed_in.get(person.avatar.url).status_code == 200


def test_my_avatar_refuses_a_file_that_is_not_a_picture(signed_in, person):
    upload = SimpleUploadedFile("notes.jpg", b"not really a picture", content_type="image/jpeg")

    response = signed_in.post(reverse("my-avatar"), {"avatar": upload})

    assert response.status_code == 400
    assert "This file is not a picture we can read." in response.content.decode()
    person.refresh_from_db()
    assert not person.avatar


def test_my_avatar_asks_for_a_file(signed_in, person):
    response = signed_in.post(reverse("my-avatar"), {})

    assert response.status_code == 400
    assert "Choose a picture to upload." in response.content.decode()


def test_my_profile_query_count(signed_in, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = signed_in.get(reverse("my-profile"))
    assert response.status_code == 200


# --- My tokens ----------------------------------------------------------------------------


def test_my_tokens_creates_a_token_shown_once(signed_in, person):
    response = signed_in.post(reverse("my-tokens"), {"name": "Weekly report"})

    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("ac_")
    body = response.content.decode()
    assert raw in body
    assert "no-store" in response["Cache-Control"]
    token = AccessToken.objects.get(person=person)
    assert token.name == "Weekly report"
    assert token.token_hash == hash_secret(raw)

    later = signed_in.get(reverse("my-tokens")).content.decode()
    assert raw not in later
    assert "Weekly report" in later
    assert token.prefix in later


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "The token name cannot be empty."), ("x" * 81, "at most 80 characters")],
)
def test_my_tokens_refuses_a_bad_name(signed_in, person, name, message):
    response = signed_in.post(reverse("my-tokens"), {"name": name})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessToken.objects.exists()


def test_my_tokens_revokes_my_token(signed_in, person):
    signed_in.post(reverse("my-tokens"), {"name": "Script"})
    token = AccessToken.objects.get(person=person)

    response = signed_in.post(reverse("my-token-revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "is revoked" in response.content.decode()
    again = signed_in.post(reverse("my-token-revoke", args=[token.pk]), follow=True)
    assert "already revoked" in again.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_my_tokens_query_count_is_the_same_for_1_and_50_tokens(
    signed_in, person, django_assert_num_queries, rows
):
    for number in range(rows):
        AccessToken.objects.create(
            person=person, name=f"t{number}", token_hash=f"{number:064d}", prefix="ac_abc"
        )

    with django_assert_num_queries(4):
        response = signed_in.get(reverse("my-tokens"))
    assert response.status_code == 200


# --- Accepting an invitation --------------------------------------------------------------


def make_invitation(token="tok-123", **fields):  # noqa: S107 - a test invitation's link
    fields.setdefault("email", "new.starter@example.org")
    fields.setdefault("expires_at", timezone.now() + timezone.timedelta(days=14))
    return Invitation.objects.create(token_hash=hash_secret(token), **fields)


def test_accept_invitation_shows_organisation_and_inviter(client):
    Organisation.objects.filter(pk=1).update(name="Northwind")
    inviter = PersonFactory(display_name="Ada Admin", is_org_admin=True)
    make_invitation(invited_by=inviter, display_name="Nina New")

    response = client.get(reverse("accept-invitation", args=["tok-123"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Northwind" in body
    assert "Ada Admin invited you" in body
    assert "new.starter@example.org" in body
    assert 'value="Nina New"' in body


def test_accept_invitation_creates_the_account_and_signs_in(client):
    team = DepartmentFactory(parent=DepartmentFactory())
    level = LevelFactory()
    invitation = make_invitation(department=team, level=level)

    response = client.post(
        reverse("accept-invitation", args=["tok-123"]),
        {
            "display_name": "Nina New",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )

    assert response.status_code == 302
    person = Person.objects.get(email="new.starter@example.org")
    assert person.display_name == "Nina New"
    assert person.department == team
    assert person.level == level
    assert person.check_password("a-long-pass-phrase")
    invitation.refresh_from_db()
    assert invitation.accepted_by == person
    assert client.get(reverse("my-profile")).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "display_name": "",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
            "Your name cannot be empty.",
        ),
        (
            {
                "display_name": "x" * 121,
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
            "Your name can be at most 120 characters.",
        ),
        (
            {
                "display_name": "Nina",
                "password1": "a-long-pass-phrase",
                "password2": "another-one-here",
            },
            "The two passwords are not the same.",
        ),
        ({"display_name": "Nina", "password1": "short", "password2": "short"}, "too short"),
        ({"display_name": "Nina", "password1": "", "password2": ""}, "Choose a password."),
    ],
)
def test_accept_invitation_refuses_bad_input(client, data, message):
    invitation = make_invitation()

    response = client.post(reverse("accept-invitation", args=["tok-123"]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Person.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"expires_at": timezone.now() - timezone.timedelta(minutes=1)}, 410, "has expired"),
        ({"accepted_at": timezone.now()}, 410, "already been used"),
        ({"revoked_at": timezone.now()}, 410, "replaced by a newer one"),
    ],
)
def test_accept_invitation_that_cannot_be_used_shows_why_and_no_form(
    client, fields, status, message
):
    make_invitation(**fields)

    for method in (client.get, client.post):
        response = method(
            reverse("accept-invitation", args=["tok-123"]),
            {
                "display_name": "X",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
        body = response.content.decode()
        assert response.status_code == status
        assert message in body
        assert "password1" not in body
    assert not Person.objects.filter(email="new.starter@example.org").exists()


def test_accept_unknown_invitation_is_404(client):
    response = client.get(reverse("accept-invitation", args=["no-such-token"]))

    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_accept_invitation_cannot_be_used_twice(client):
    make_invitation()
    data = {
        "display_name": "Nina",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    client.post(reverse("accept-invitation", args=["tok-123"]), data)
    client.post(reverse("account_logout"))

    response = client.post(reverse("accept-invitation", args=["tok-123"]), data)

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert Person.objects.filter(email="new.starter@example.org").count() == 1


def test_accept_invitation_when_signed_in_offers_to_sign_out(signed_in):
    make_invitation()

    response = signed_in.get(reverse("accept-invitation", args=["tok-123"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "sign out first" in body
    assert "password1" not in body


def test_accept_invitation_query_count(client, django_assert_num_queries):
    make_invitation(invited_by=PersonFactory(), department=DepartmentFactory())

    # sign-in policy (afterclass.sso: may people choose a password?), invitation, organisation,
    # inviter, department
    with django_assert_num_queries(5):
        response = client.get(reverse("accept-invitation", args=["tok-123"]))
    assert response.status_code == 200


# --- Manage people ------------------------------------------------------------------------


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def test_manage_people_lists_everyone_with_state(as_admin):
    PersonFactory(display_name="Active Anne")
    PersonFactory(display_name="Gone Gary", is_active=False)

    body = as_admin.get(reverse("manage-people")).content.decode()

    assert "Active Anne" in body
    assert "Gone Gary" in body
    assert "Deactivated" in body


def test_manage_people_searches_and_filters(as_admin):
    sales = DepartmentFactory(name="Sales")
    level = LevelFactory(name="Director")
    PersonFactory(display_name="Amira Osei", department=sales, level=level)
    PersonFactory(display_name="Amira Other")
    PersonFactory(display_name="Gone Amira", is_active=False, department=sales, level=level)

    body = as_admin.get(
        reverse("manage-people"),
        {"q": "amira", "department": sales.pk, "level": level.pk, "status": "active"},
    ).content.decode()

    assert "Amira Osei" in body
    assert "Amira Other" not in body
    assert "Gone Amira" not in body


def test_manage_people_answers_htmx_with_just_the_results(as_admin):
    response = as_admin.get(reverse("manage-people"), {"q": "person"}, **HTMX)

    assert response.content.decode().lstrip().startswith('<section id="results"')


def test_manage_people_refuses_a_bad_status(as_admin):
    response = as_admin.get(reverse("manage-people"), {"status": "everyone-ever"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_manage_people_query_count_is_the_same_for_1_and_50_people(
    as_admin, django_assert_num_queries, rows
):
    PersonFactory.create_batch(rows, department=DepartmentFactory(), level=LevelFactory())

    with django_assert_num_queries(6):
        response = as_admin.get(reverse("manage-people"))
    assert response.status_code == 200


def test_manage_person_sets_department_level_and_job_title(as_admin):
    team = DepartmentFactory(name="Payroll", parent=DepartmentFactory(name="Finance"))
    level = LevelFactory(name="Manager")
    someone = PersonFactory(display_name="Sam")

    response = as_admin.post(
        reverse("manage-person", args=[someone.pk]),
        {
            "display_name": "Sam Smith",
            "job_title": "Payroll lead",
            "department": team.pk,
            "level": level.pk,
        },
    )

    assert response.status_code == 302
    someone.refresh_from_db()
    assert (someone.display_name, someone.job_title) == ("Sam Smith", "Payroll lead")
    assert someone.department == team
    assert someone.level == level


def test_manage_person_clears_department_and_level(as_admin):
    someone = PersonFactory(department=DepartmentFactory(), level=LevelFactory())

    as_admin.post(
        reverse("manage-person", args=[someone.pk]),
        {"display_name": someone.display_name, "job_title": "", "department": "", "level": ""},
    )

    someone.refresh_from_db()
    assert someone.department is None
    assert someone.level is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": ""}, "The name cannot be empty."),
        ({"display_name": "x" * 121}, "The name can be at most 120 characters."),
        ({"job_title": "x" * 121}, "The job title can be at most 120 characters."),
        ({"department": "999999"}, "Select a valid choice"),
        ({"level": "not-a-number"}, "Select a valid choice"),
    ],
)
def test_manage_person_refuses_bad_input_and_changes_nothing(as_admin, data, message):
    someone = PersonFactory(display_name="Sam", job_title="Analyst")
    post = {"display_name": "Sam Smith", "job_title": "Lead", "department": "", "level": "", **data}

    response = as_admin.post(reverse("manage-person", args=[someone.pk]), post)

    assert response.status_code == 400
    assert message in response.content.decode()
    someone.refresh_from_db()
    assert (someone.display_name, someone.job_title) == ("Sam", "Analyst")


def test_manage_person_deactivates_and_reactivates(as_admin):
    someone = PersonFactory(display_name="Sam")
    AccessToken.objects.create(person=someone, name="t", token_hash="1" * 64, prefix="ac_1")

    response = as_admin.post(
        reverse("manage-person-active", args=[someone.pk]), {"active": "0"}, follow=True
    )

    someone.refresh_from_db()
    assert not someone.is_active
    assert someone.access_tokens.get().revoked_at is not None
    assert "Sam is deactivated" in response.content.decode()
    assert "Reactivate" in response.content.decode()

    as_admin.post(reverse("manage-person-active", args=[someone.pk]), {"active": "1"})
    someone.refresh_from_db()
    assert someone.is_active

    again = as_admin.post(
        reverse("manage-person-active", args=[someone.pk]), {"active": "1"}, follow=True
    )
    assert "already active" in again.content.decode()


def test_manage_person_makes_and_removes_an_admin(as_admin):
    someone = PersonFactory()

    as_admin.post(reverse("manage-person-admin", args=[someone.pk]), {"admin": "1"})
    someone.refresh_from_db()
    assert someone.is_org_admin

    as_admin.post(reverse("manage-person-admin", args=[someone.pk]), {"admin": "0"})
    someone.refresh_from_db()
    assert not someone.is_org_admin


def test_manage_person_admin_cannot_deactivate_or_demote_themselves(as_admin, admin):
    assert (
        as_admin.post(reverse("manage-person-active", args=[admin.pk]), {"active": "0"}).status_code
        == 403
    )
    assert (
        as_admin.post(reverse("manage-person-admin", args=[admin.pk]), {"admin": "0"}).status_code
        == 403
    )
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.is_org_admin


def test_manage_person_of_unknown_person_is_404(as_admin):
    assert as_admin.get(reverse("manage-person", args=[999999])).status_code == 404


def test_manage_person_query_count(as_admin, django_assert_num_queries):
    someone = PersonFactory(department=DepartmentFactory(), level=LevelFactory())

    with django_assert_num_queries(6):
        response = as_admin.get(reverse("manage-person", args=[someone.pk]))
    assert response.status_code == 200


# --- Manage invitations -------------------------------------------------------------------


def invitation_link(message) -> str:
    for line in message.body.splitlines():
        if "/invitations/" in line:
            return line.strip().split("127.0.0.1:8000", 1)[-1]
    raise AssertionError("no invitation link in the e-mail")


def test_manage_invitations_sends_pasted_addresses_a_working_link(
    as_admin, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            reverse("manage-invitations"),
            {"emails": "ana@example.org, Ben@Example.org\nana@example.org"},
            follow=True,
        )

    assert "Invitations sent: 2." in response.content.decode()
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ana@example.org", "ben@example.org"]
    assert admin.display_name in mailoutbox[0].body
    pending = response.content.decode()
    assert "ana@example.org" in pending
    assert "ben@example.org" in pending

    as_admin.logout()
    link = invitation_link(next(mail for mail in mailoutbox if mail.to == ["ana@example.org"]))
    page = as_admin.get(link)
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    created = as_admin.post(
        link,
        {
            "display_name": "Ana",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert created.status_code == 302
    assert Person.objects.filter(email="ana@example.org", display_name="Ana").exists()


def test_manage_invitations_reads_a_csv_with_departments_and_levels(
    as_admin, mailoutbox, django_capture_on_commit_callbacks
):
    sales = DepartmentFactory(name="Sales")
    level = LevelFactory(name="Manager")
    csv = SimpleUploadedFile(
        "people.csv",
        (
            "\ufeffemail,name,department,level\n"
            "ana@example.org,Ana Silva,sales,Manager\n"
            "ben@example.org,,,\n"
        ).encode(),
        content_type="text/csv",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("manage-invitations"), {"file": csv})

    assert response.status_code == 302
    ana = Invitation.objects.get(email="ana@example.org")
    assert (ana.display_name, ana.department, ana.level) == ("Ana Silva", sales, level)
    assert Invitation.objects.filter(email="ben@example.org").exists()
    assert len(mailoutbox) == 2


def test_manage_invitations_skips_people_who_already_have_an_account(
    as_admin, mailoutbox, django_capture_on_commit_callbacks
):
    PersonFactory(email="here@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            reverse("manage-invitations"),
            {"emails": "here@example.org\nnew@example.org"},
            follow=True,
        )

    assert "Invitations sent: 1. 1 already had an account" in response.content.decode()
    assert [mail.to for mail in mailoutbox] == [["new@example.org"]]


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste some e-mail addresses or choose a CSV file."),
        ({"emails": "   "}, "Paste some e-mail addresses or choose a CSV file."),
        (
            {"emails": "ana@example.org\nnot-an-address"},
            "row 2: “not-an-address” is not a valid e-mail address",
        ),
        ({"emails": "ana@@example.org"}, "is not a valid e-mail address"),
        ({"file": "ana@example.org,Ana\n"}, "The CSV needs a header row"),
        (
            {"file": "email,name\nana@example.org,Ana\nnot-an-address,Ben\n"},
            "row 2: “not-an-address” is not a valid e-mail address",
        ),
        (
            {"file": "email,department\nana@example.org,Nowhere\n"},
            "there is no department “Nowhere”",
        ),
        ({"file": "email,level\nana@example.org,Emperor\n"}, "there is no level “Emperor”"),
        (
            {"file": "email,name\nana@example.org,Ana,extra\n"},
            "Line 2 has more columns than the header.",
        ),
        ({"file": "email,name\n"}, "The CSV file has a header but no addresses."),
        ({"file": b"\xff\x00bad"}, "This file is not UTF-8 text: line 1"),
        (
            {"emails": "ana@example.org", "file": "email\nben@example.org\n"},
            "Paste addresses or upload a file, not both.",
        ),
    ],
)
def test_manage_invitations_refuses_bad_input_and_sends_nothing(
    as_admin, mailoutbox, django_capture_on_commit_callbacks, data, message
):
    DepartmentFactory(name="Sales")
    post = dict(data)
    if "file" in post:
        raw = post["file"]
        post["file"] = SimpleUploadedFile(
            "people.csv", raw if isinstance(raw, bytes) else raw.encode(), content_type="text/csv"
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("manage-invitations"), post)

    assert response.status_code == 400
    assert message in response.content.decode()
    if message.startswith("row ") or message.startswith("there is no"):
        assert "Nothing was sent. Please fix:" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_manage_invitations_revokes_a_pending_invitation(as_admin):
    invitation = make_invitation()

    response = as_admin.post(reverse("manage-invitation-revoke", args=[invitation.pk]), follow=True)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "is revoked" in response.content.decode()
    assert (
        reverse("manage-invitation-revoke", args=[invitation.pk]) not in response.content.decode()
    )
    again = as_admin.post(reverse("manage-invitation-revoke", args=[invitation.pk]), follow=True)
    assert "can no longer be used" in again.content.decode()


def test_manage_invitations_lists_only_pending_ones_with_expiry(as_admin):
    make_invitation(
        "a", email="pending@example.org", expires_at=timezone.now() + timezone.timedelta(days=3)
    )
    make_invitation(
        "b", email="expired@example.org", expires_at=timezone.now() - timezone.timedelta(days=1)
    )
    make_invitation("c", email="used@example.org", accepted_at=timezone.now())

    response = as_admin.get(reverse("manage-invitations"))

    body = response.content.decode()
    assert "pending@example.org" in body
    assert "expired@example.org" not in body
    assert "used@example.org" not in body
    expires = timezone.localtime(timezone.now() + timezone.timedelta(days=3))
    assert f"{expires.day} {expires:%b %Y}" in body


@pytest.mark.parametrize("rows", [1, 50])
def test_manage_invitations_query_count_is_the_same_for_1_and_50(
    as_admin, admin, django_assert_num_queries, rows
):
    department = DepartmentFactory(parent=DepartmentFactory())
    level = LevelFactory()
    for number in range(rows):
        make_invitation(
            f"t{number}",
            email=f"p{number}@example.org",
            invited_by=admin,
            department=department,
            level=level,
        )

    with django_assert_num_queries(4):
        response = as_admin.get(reverse("manage-invitations"))
    assert response.status_code == 200


# --- Manage departments -------------------------------------------------------------------


def test_manage_departments_adds_a_department_and_a_team(as_admin):
    as_admin.post(reverse("manage-departments"), {"name": "Finance", "parent": ""})
    finance = Department.objects.get(name="Finance", parent=None)

    response = as_admin.post(
        reverse("manage-departments"), {"name": "Payroll", "parent": finance.pk}, follow=True
    )

    assert Department.objects.get(name="Payroll").parent == finance
    body = response.content.decode()
    assert "Added the team in Finance “Payroll”" in body
    assert "Payroll" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "The department name cannot be empty."),
        ({"name": "x" * 121}, "The department name can be at most 120 characters."),
        ({"name": "finance"}, "There is already a department called “finance” there."),
        ({"name": "Team", "parent": "team"}, "Select a valid choice"),
        ({"name": "Team", "parent": "999999"}, "Select a valid choice"),
    ],
)
def test_manage_departments_refuses_bad_input(as_admin, data, message):
    finance = DepartmentFactory(name="Finance")
    team = DepartmentFactory(name="Payroll", parent=finance)
    if data.get("parent") == "team":
        data = {**data, "parent": team.pk}  # a team cannot hold teams: it is not offered

    response = as_admin.post(reverse("manage-departments"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Department.objects.count() == 2


def test_manage_departments_renames(as_admin):
    finance = DepartmentFactory(name="Finance")

    as_admin.post(
        reverse("manage-department-rename", args=[finance.pk]), {"name": "Finance and legal"}
    )

    finance.refresh_from_db()
    assert finance.name == "Finance and legal"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The department name cannot be empty."),
        ("x" * 121, "The department name can be at most 120 characters."),
        ("SALES", "There is already a department called “SALES” there."),
    ],
)
def test_manage_departments_refuses_a_bad_new_name(as_admin, name, message):
    finance = DepartmentFactory(name="Finance")
    DepartmentFactory(name="Sales")

    response = as_admin.post(reverse("manage-department-rename", args=[finance.pk]), {"name": name})

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'id="rename-{finance.pk}-error"' in body
    finance.refresh_from_db()
    assert finance.name == "Finance"


def test_manage_departments_rename_of_unknown_department_is_404(as_admin):
    assert (
        as_admin.post(reverse("manage-department-rename", args=[999999]), {"name": "X"}).status_code
        == 404
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_manage_departments_query_count_is_the_same_for_1_and_50(
    as_admin, django_assert_num_queries, rows
):
    for number in range(rows):
        DepartmentFactory(parent=DepartmentFactory(name=f"Top {number}"))

    with django_assert_num_queries(4):
        response = as_admin.get(reverse("manage-departments"))
    assert response.status_code == 200


# --- Manage the organisation --------------------------------------------------------------


def test_manage_organisation_saves_name_domains_policy_and_logo(as_admin):
    response = as_admin.post(
        reverse("manage-organisation"),
        {
            "name": "Northwind",
            "allowed_domains": "northwind.example\n@Example.org, ",
            "logo": picture((900, 900)),
        },
    )

    assert response.status_code == 302
    organisation = Organisation.current()
    assert organisation.name == "Northwind"
    assert organisation.allowed_domains == ["example.org", "northwind.example"]
    assert organisation.anyone_can_create_spaces is False
    with Image.open(organisation.logo.path) as logo:
        assert max(logo.size) <= 400
    assert "Northwind" in as_admin.get(reverse("manage-organisation")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "The name cannot be empty."),
        ({"name": "x" * 121}, "The name can be at most 120 characters."),
        ({"allowed_domains": "not a domain"}, "is not a domain name like example.org."),
        ({"allowed_domains": "localhost"}, "is not a domain name like example.org."),
        (
            {"logo": SimpleUploadedFile("logo.png", b"nope", content_type="image/png")},
            "This file is not a picture we can read.",
        ),
    ],
)
def test_manage_organisation_refuses_bad_input_and_changes_nothing(as_admin, data, message):
    post = {
        "name": "Northwind",
        "allowed_domains": "example.org",
        "anyone_can_create_spaces": "on",
        **data,
    }

    response = as_admin.post(reverse("manage-organisation"), post)

    assert response.status_code == 400
    assert message in response.content.decode()
    organisation = Organisation.current()
    assert organisation.name == "Our organisation"
    assert organisation.allowed_domains == []


def test_manage_organisation_sets_levels_in_order(as_admin):
    response = as_admin.post(reverse("manage-levels"), {"levels": "Associate\n\nLead\nPartner\n"})

    assert response.status_code == 302
    assert [(level.rank, level.name) for level in ManagementLevel.objects.order_by("rank")] == [
        (1, "Associate"),
        (2, "Lead"),
        (3, "Partner"),
    ]
    assert (
        "Associate\nLead\nPartner" in as_admin.get(reverse("manage-organisation")).content.decode()
    )


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("", "Keep at least one management level."),
        ("  \n ", "Keep at least one management level."),
        ("Lead\nlead", "Each level must have a different name."),
        ("x" * 61, "The level can be at most 60 characters."),
        ("Partner", "A level that people still have cannot be removed."),
    ],
)
def test_manage_organisation_refuses_bad_levels(as_admin, levels, message):
    used = LevelFactory(name="Manager", rank=1)
    PersonFactory(level=used)

    response = as_admin.post(reverse("manage-levels"), {"levels": levels})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(ManagementLevel.objects.values_list("name", flat=True)) == ["Manager"]


def test_manage_organisation_query_count(as_admin, django_assert_num_queries):
    LevelFactory.create_batch(5)

    with django_assert_num_queries(4):
        response = as_admin.get(reverse("manage-organisation"))
    assert response.status_code == 200
