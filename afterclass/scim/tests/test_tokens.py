"""Provisioning tokens: `afterclass scim token …` and Manage → Provisioning (SCIM)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from afterclass.audit.models import AuditEntry
from afterclass.scim.actions import token_for_bearer
from afterclass.scim.models import ProvisioningToken

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("scim", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_token_create_prints_the_token_on_the_last_line(client):
    out, err = run("token", "create", "Entra ID")
    raw = out.splitlines()[-1]
    assert raw == out.strip()
    assert raw not in err
    assert "shown only now" in err
    token = ProvisioningToken.objects.get()
    assert token.name == "Entra ID"
    assert raw not in {token.token_hash, token.prefix}
    assert token_for_bearer(raw) == token
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    entry = AuditEntry.objects.get(action="scim.token.create")
    assert entry.actor_id is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_token_create_refuses_bad_names(name):
    with pytest.raises(CommandError, match="name"):
        run("token", "create", name)
    assert not ProvisioningToken.objects.exists()


def test_token_list_and_revoke(client):
    raw = run("token", "create", "Okta")[0].strip()
    token = ProvisioningToken.objects.get()
    assert "never used" in run("token", "list")[0]
    out, _ = run("token", "revoke", f"{token.prefix}…")
    assert "Revoked" in out
    assert token_for_bearer(raw) is None
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "revoked" in run("token", "list")[0]
    with pytest.raises(CommandError):
        run("token", "revoke", token.prefix)


def test_token_list_without_tokens():
    assert run("token", "list")[0].strip() == "There are no provisioning tokens."


def test_manage_page_is_for_admins_only(client, person):
    client.force_login(person)
    assert client.get("/manage/provisioning/").status_code == 403
    assert client.post("/manage/provisioning/", {"name": "Mine"}).status_code == 403
    assert not ProvisioningToken.objects.exists()


def test_manage_page_shows_a_new_token_once(client, admin):
    client.force_login(admin)
    page = client.get("/manage/provisioning/")
    assert page.status_code == 200
    assert b"http://testserver/scim/v2" in page.content
    response = client.post("/manage/provisioning/", {"name": "Entra ID"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["new_token"]
    assert raw.encode() in response.content
    assert token_for_bearer(raw).created_by == admin
    again = client.get("/manage/provisioning/")
    assert raw.encode() not in again.content
    assert b"Entra ID" in again.content


def test_manage_page_refuses_an_empty_name(client, admin):
    client.force_login(admin)
    response = client.post("/manage/provisioning/", {"name": ""})
    assert response.status_code == 400
    assert not ProvisioningToken.objects.exists()


def test_manage_page_revokes(client, admin, person):
    client.force_login(admin)
    raw = client.post("/manage/provisioning/", {"name": "Okta"}).context["new_token"]
    token = ProvisioningToken.objects.get()
    client.force_login(person)
    assert client.post(f"/manage/provisioning/tokens/{token.pk}/revoke/").status_code == 403
    client.force_login(admin)
    response = client.post(f"/manage/provisioning/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert token_for_bearer(raw) is None
    assert client.post("/manage/provisioning/tokens/999/revoke/").status_code == 404


def test_manage_page_query_count_stays_flat(client, admin):
    client.force_login(admin)
    client.post("/manage/provisioning/", {"name": "One"})
    with CaptureQueriesContext(connection) as one:
        client.get("/manage/provisioning/")
    for number in range(10):
        client.post("/manage/provisioning/", {"name": f"Token {number}"})
    with CaptureQueriesContext(connection) as many:
        client.get("/manage/provisioning/")
    assert len(many) == len(one)
