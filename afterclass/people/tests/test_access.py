"""Who reaches which people page: anonymous, deactivated, ordinary and admin callers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import NotAllowed, NotFound
from afterclass.people.access import access_department, access_invitation, access_own_token
from afterclass.people.actions import hash_secret
from afterclass.people.models import (
    AccessToken,
    Department,
    Invitation,
    ManagementLevel,
    Organisation,
    Person,
)
from afterclass.people.queries import access_tokens_of, pending_invitations
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin):
    """One of everything the pages act on, all owned by the admin's organisation."""
    department = DepartmentFactory(name="Finance")
    LevelFactory(name="Staff", rank=1)
    someone = PersonFactory(display_name="Sam Someone")
    token = AccessToken.objects.create(
        person=someone, name="script", token_hash="a" * 64, prefix="ac_aaaa"
    )
    invitation = Invitation.objects.create(
        email="new@example.org",
        token_hash=hash_secret("invite-token"),
        invited_by=admin,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    return {
        "department": department,
        "someone": someone,
        "token": token,
        "invitation": invitation,
    }


def member_pages(world):
    return [
        reverse("people-directory"),
        reverse("person-profile", args=[world["someone"].pk]),
        reverse("my-profile"),
        reverse("my-tokens"),
    ]


def admin_pages(world):
    return [
        reverse("manage-people"),
        reverse("manage-person", args=[world["someone"].pk]),
        reverse("manage-invitations"),
        reverse("manage-departments"),
        reverse("manage-organisation"),
    ]


def admin_posts(world):
    someone, department = world["someone"], world["department"]
    return [
        (reverse("manage-person", args=[someone.pk]), {"display_name": "Hacked", "job_title": ""}),
        (reverse("manage-person-active", args=[someone.pk]), {"active": "0"}),
        (reverse("manage-person-admin", args=[someone.pk]), {"admin": "1"}),
        (reverse("manage-invitations"), {"emails": "friend@example.org"}),
        (reverse("manage-invitation-revoke", args=[world["invitation"].pk]), {}),
        (reverse("manage-departments"), {"name": "Shadow IT"}),
        (reverse("manage-department-rename", args=[department.pk]), {"name": "Hacked"}),
        (reverse("manage-organisation"), {"name": "Hacked", "allowed_domains": "evil.example"}),
        (reverse("manage-levels"), {"levels": "Minion"}),
    ]


def member_posts(world):
    return [
        (reverse("my-profile"), {"display_name": "Changed"}),
        (reverse("my-avatar"), {}),
        (reverse("my-tokens"), {"name": "new"}),
        (reverse("my-token-revoke", args=[world["token"].pk]), {}),
    ]


def assert_nothing_changed(world):
    someone = Person.objects.get(pk=world["someone"].pk)
    assert someone.display_name == "Sam Someone"
    assert someone.is_active
    assert not someone.is_org_admin
    assert Department.objects.get().name == "Finance"
    assert list(ManagementLevel.objects.values_list("name", flat=True)) == ["Staff"]
    assert Organisation.current().name == "Our organisation"
    assert Invitation.objects.get().revoked_at is None
    assert AccessToken.objects.get().revoked_at is None
    assert AccessToken.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_anonymous_is_sent_to_sign_in_from_every_page(client, world):
    login = reverse("account_login")
    for url in member_pages(world) + admin_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{login}?next={url}", url
    for url, data in member_posts(world) + admin_posts(world):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    assert_nothing_changed(world)


def test_deactivated_person_with_a_session_is_sent_to_sign_in(client, world):
    gone = PersonFactory(is_org_admin=True)
    client.force_login(gone)
    Person.objects.filter(pk=gone.pk).update(is_active=False)

    for url in member_pages(world) + admin_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    for url, data in admin_posts(world):
        assert client.post(url, data).status_code == 302, url
    assert_nothing_changed(world)


def test_ordinary_person_reaches_member_pages(client, person, world):
    client.force_login(person)

    for url in member_pages(world):
        assert client.get(url).status_code == 200, url


def test_ordinary_person_is_refused_every_admin_page(client, person, world):
    client.force_login(person)

    for url in admin_pages(world):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Only organisation admins can do this." in response.content.decode()
    for url, data in admin_posts(world):
        assert client.post(url, data).status_code == 403, url
    assert_nothing_changed(world)


def test_ordinary_person_does_not_see_the_manage_link(client, person):
    client.force_login(person)

    body = client.get(reverse("people-directory")).content.decode()

    assert reverse("manage-people") not in body


def test_admin_reaches_every_admin_page(client, admin, world):
    client.force_login(admin)

    for url in admin_pages(world):
        assert client.get(url).status_code == 200, url
    assert reverse("manage-people") in client.get(reverse("people-directory")).content.decode()


def test_revoking_someone_elses_token_is_not_found(client, person, world):
    client.force_login(person)

    response = client.post(reverse("my-token-revoke", args=[world["token"].pk]))

    assert response.status_code == 404
    assert_nothing_changed(world)


def test_my_tokens_never_lists_someone_elses_tokens(client, person, world):
    client.force_login(person)

    body = client.get(reverse("my-tokens")).content.decode()

    assert "ac_aaaa" not in body
    assert "You have no tokens yet." in body


def test_pages_refuse_the_wrong_method(client, admin, world):
    client.force_login(admin)

    assert client.post(reverse("people-directory")).status_code == 405
    assert client.get(reverse("my-avatar")).status_code == 405
    assert (
        client.get(reverse("manage-person-active", args=[world["someone"].pk])).status_code == 405
    )
    assert client.get(reverse("my-token-revoke", args=[world["token"].pk])).status_code == 405


# --- The access functions and queries themselves ------------------------------------------


def test_access_department_is_for_admins_only(admin, person):
    department = DepartmentFactory()

    assert access_department(admin, department.pk) == department
    with pytest.raises(NotAllowed):
        access_department(person, department.pk)
    with pytest.raises(NotFound):
        access_department(admin, 999999)


def test_access_invitation_is_for_admins_only(admin, person, world):
    invitation = world["invitation"]

    assert access_invitation(admin, invitation.pk) == invitation
    with pytest.raises(NotAllowed):
        access_invitation(person, invitation.pk)
    with pytest.raises(NotFound):
        access_invitation(admin, 999999)


def test_access_own_token_hides_other_peoples_tokens(admin, world):
    token, someone = world["token"], world["someone"]

    assert access_own_token(someone, token.pk) == token
    with pytest.raises(NotFound):
        access_own_token(admin, token.pk)  # not even an admin reaches it through this door
    with pytest.raises(NotFound):
        access_own_token(None, token.pk)


def test_pending_invitations_are_visible_to_admins_only(admin, person, world):
    assert [item.email for item in pending_invitations(admin).items] == ["new@example.org"]
    assert pending_invitations(person).items == []
    assert pending_invitations(None).items == []


def test_access_tokens_of_returns_only_the_persons_own(world, person):
    assert access_tokens_of(world["someone"]).items == [world["token"]]
    assert access_tokens_of(person).items == []
    assert access_tokens_of(None).items == []
