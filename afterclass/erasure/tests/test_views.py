"""Manage → People → a person → Erase, the organisation's default, and the API: allowed and
refused callers, every bad input, nothing changed by a refusal."""

import json
import re

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.erasure.models import FORMER_COLLEAGUE, Erasure, ErasureState
from afterclass.erasure.request import do_request_erasure
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(db):
    return PersonFactory(display_name="Tara Target", email="tara@example.org")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def erase_url(person):
    return reverse("manage-person-erase", args=[person.pk])


def test_person_page_links_to_the_erasure_page(client, admin, target):
    client.force_login(admin)
    page = client.get(reverse("manage-person", args=[target.pk])).content.decode()
    assert erase_url(target) in page


def test_erasure_page_explains_and_starts_from_the_organisations_default(client, admin, target):
    organisation = Organisation.current()
    organisation.erased_content = "delete"
    organisation.save(update_fields=["erased_content"])
    client.force_login(admin)
    response = client.get(erase_url(target))
    page = response.content.decode()
    assert response.status_code == 200
    assert "What erasing does" in page
    assert "tara@example.org" in page
    assert re.search(r'value="delete"[^>]* checked', page)
    assert not re.search(r'value="keep"[^>]* checked', page)
    assert 'id="id_confirm"' in page


def test_organisation_setting_chooses_the_default(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("manage-organisation"), {"name": "Northwind", "erased_content": "delete"}
    )
    assert response.status_code == 302
    assert Organisation.current().erased_content == "delete"
    page = client.get(reverse("manage-organisation")).content.decode()
    assert "When a person is erased" in page
    response = client.post(
        reverse("manage-organisation"), {"name": "Northwind", "erased_content": "burn"}
    )
    assert response.status_code == 400
    assert Organisation.current().erased_content == "delete"


def test_wrong_confirmation_is_a_form_error_and_changes_nothing(client, admin, target, run):
    client.force_login(admin)
    response = run(client.post, erase_url(target), {"content": "delete", "confirm": "tara@x.org"})
    assert response.status_code == 400
    assert "type the person&#x27;s e-mail address exactly" in response.content.decode()
    target.refresh_from_db()
    assert target.is_active
    assert not Erasure.objects.exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"confirm": "tara@example.org"}, "Choose whether their content is deleted or kept."),
        ({"content": "shred", "confirm": "tara@example.org"}, "Choose whether their content"),
        ({"content": "keep"}, "Type their e-mail address to confirm."),
    ],
)
def test_incomplete_form_is_refused(client, admin, target, data, says):
    client.force_login(admin)
    response = client.post(erase_url(target), data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Erasure.objects.exists()


def test_admin_erases_a_person(client, admin, target, run):
    client.force_login(admin)
    response = run(
        client.post, erase_url(target), {"content": "keep", "confirm": " Tara@Example.org "}
    )
    assert response.status_code == 302
    erasure = Erasure.objects.get()
    assert erasure.state == ErasureState.DONE
    target.refresh_from_db()
    assert target.display_name == FORMER_COLLEAGUE
    listing = client.get(reverse("manage-people")).content.decode()
    assert "Erased</span>" in listing
    person_page = client.get(reverse("manage-person", args=[target.pk])).content.decode()
    assert "Erased" in person_page
    assert "Reactivate" not in person_page
    assert "Save details" not in person_page
    page = client.get(erase_url(target)).content.decode()
    assert "Erased" in page
    assert erasure.reference in page
    assert "tara@example.org" not in page


def test_members_cannot_see_or_use_the_erasure_page(client, person, target):
    client.force_login(person)
    assert client.get(erase_url(target)).status_code == 403
    response = client.post(erase_url(target), {"content": "delete", "confirm": "tara@example.org"})
    assert response.status_code == 403
    assert not Erasure.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, target):
    response = client.get(erase_url(target))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_admin_cannot_erase_themselves(client, admin):
    client.force_login(admin)
    page = client.get(erase_url(admin)).content.decode()
    assert "You cannot erase yourself" in page
    response = client.post(erase_url(admin), {"content": "delete", "confirm": admin.email})
    assert response.status_code == 403
    assert not Erasure.objects.exists()


def test_unknown_person_is_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("manage-person-erase", args=[999999])).status_code == 404


# --- API ---------------------------------------------------------------------------------------


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api_erase(client, person_id, actor, data):
    return client.post(
        f"/api/v1/people/{person_id}/erase",
        json.dumps(data),
        content_type="application/json",
        **bearer(actor),
    )


def test_api_erases_with_202(client, admin, target, run):
    response = run(api_erase, client, target.pk, admin,
                   {"content": "delete", "confirm": "tara@example.org"})  # fmt: skip
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["content"] == "delete"
    assert body["reference"] == Erasure.objects.get().reference
    assert "tara" not in json.dumps(body)
    # Again: the same erasure, nothing new.
    again = run(api_erase, client, target.pk, admin, {"content": "keep", "confirm": "x"})
    assert again.status_code == 202
    assert again.json()["reference"] == body["reference"]
    assert Erasure.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"content": "delete", "confirm": "someone@example.org"}, 400),
        ({"content": "shred", "confirm": "tara@example.org"}, 422),
        ({"content": "delete"}, 422),
        ({"content": "delete", "confirm": "tara@example.org", "extra": 1}, 422),
    ],
)
def test_api_refuses_bad_input_and_changes_nothing(client, admin, target, data, status):
    response = api_erase(client, target.pk, admin, data)
    assert response.status_code == status, response.content
    target.refresh_from_db()
    assert target.is_active
    assert not Erasure.objects.exists()


def test_api_refuses_members_self_and_unknown(client, admin, person, target):
    body = {"content": "delete", "confirm": "tara@example.org"}
    assert api_erase(client, target.pk, person, body).status_code == 403
    assert api_erase(client, admin.pk, admin, {**body, "confirm": admin.email}).status_code == 403
    assert api_erase(client, 999999, admin, body).status_code == 404
    assert not Erasure.objects.exists()


def test_an_unfinished_erasure_can_be_continued(client, admin, target, run):
    # Asked for, but its task never ran (its worker gave up): the page offers to continue.
    erasure = do_request_erasure(target, actor=admin, content="delete", confirm=target.email)
    client.force_login(admin)
    page = client.get(erase_url(target)).content.decode()
    assert "Continue the erasure" in page
    response = run(client.post, erase_url(target))
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.DONE
    # Finished: posting again changes nothing.
    entries = AuditEntry.objects.count()
    assert run(client.post, erase_url(target)).status_code == 200
    assert AuditEntry.objects.count() == entries


def test_erasure_page_query_count(client, admin, target, django_assert_num_queries):
    client.force_login(admin)
    client.get(erase_url(target))  # the organisation row, sessions: made once
    with django_assert_num_queries(QUERIES_ERASE_PAGE):
        assert client.get(erase_url(target)).status_code == 200


# The session and the viewer, the person, their erasure, the organisation (its default choice)
# and what the site's layout reads; one more when the person is an admin (the last-admin check).
QUERIES_ERASE_PAGE = 6
