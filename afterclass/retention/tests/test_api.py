"""Retention in the API: the same rules and previews as the pages."""

import pytest
from django.utils import timezone

from afterclass.people.tests.factories import PersonFactory
from afterclass.retention.actions import do_run_retention
from afterclass.retention.models import SpaceRetention
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

API = "/api/v1"
# The same with 1 and 50 spaces: threads, comments and files are counted for all spaces at once.
PREVIEW_QUERIES = 8


def test_api_organisation_rule_preview_then_put(client, world):
    client.force_login(world.admin)
    assert client.get(f"{API}/retention").json() == {"action": "keep", "months": None}
    preview = client.get(f"{API}/retention/preview", {"action": "delete", "months": 12})
    assert preview.status_code == 200
    assert {item["space"]: item["threads"] for item in preview.json()} == {
        "finance-club": 2,
        "excel-tips": 2,
    }
    put = client.put(
        f"{API}/retention", {"action": "delete", "months": 12}, content_type="application/json"
    )
    assert put.json() == {"action": "delete", "months": 12}
    in_force = client.get(f"{API}/retention/preview").json()
    run = do_run_retention(timezone.now())
    assert run.deleted == sum(item["threads"] for item in in_force) == 4


def test_api_refuses_a_delete_rule_without_months(client, world):
    client.force_login(world.admin)
    put = client.put(f"{API}/retention", {"action": "delete"}, content_type="application/json")
    assert put.status_code == 400
    assert put.json()["field"] == "months"
    preview = client.get(f"{API}/retention/preview", {"action": "archive"})
    assert preview.status_code == 400


def test_api_retention_refuses_members(client, world):
    client.force_login(world.member)
    assert client.get(f"{API}/retention").status_code == 403
    put = client.put(f"{API}/retention", {"action": "keep"}, content_type="application/json")
    assert put.status_code == 403
    assert client.get(f"{API}/spaces/finance-club/retention").status_code == 403


def test_api_space_rule_and_legal_hold(client, world):
    client.force_login(world.admin)
    url = f"{API}/spaces/finance-club"
    preview = client.get(f"{url}/retention/preview", {"action": "archive", "months": 6})
    assert preview.json()["threads"] == 2
    put = client.put(
        f"{url}/retention", {"action": "delete", "months": 6}, content_type="application/json"
    )
    assert put.json()["in_force"] == {"action": "delete", "months": 6}
    refused = client.put(f"{url}/legal-hold", {"on": True}, content_type="application/json")
    assert refused.status_code == 400
    hold = client.put(
        f"{url}/legal-hold", {"on": True, "reason": "Matter 3"}, content_type="application/json"
    )
    assert hold.json()["legal_hold"] is True
    assert client.get(f"{url}/retention/preview").json()["held"] is True
    assert do_run_retention().deleted == 0


def test_api_space_owner_reads_but_may_not_change(client, world):
    owner = PersonFactory()
    add_member(world.first, owner, role=Role.OWNER)
    client.force_login(owner)
    url = f"{API}/spaces/finance-club"
    assert client.get(f"{url}/retention").json()["action"] == "default"
    put = client.put(f"{url}/retention", {"action": "keep"}, content_type="application/json")
    assert put.status_code == 403
    hold = client.put(f"{url}/legal-hold", {"on": False}, content_type="application/json")
    assert hold.status_code == 403
    assert not SpaceRetention.objects.exists()


@pytest.mark.parametrize("spaces", [1, 50])
def test_api_preview_query_count_is_flat(
    client, admin, idle_spaces, django_assert_num_queries, spaces
):
    idle_spaces(spaces)
    client.force_login(admin)
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(f"{API}/retention/preview", {"action": "delete", "months": 1})
    assert len(response.json()) == spaces
