"""The retention pages: who may see and change them, and the preview before switching on."""

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.people.tests.factories import PersonFactory
from afterclass.retention.actions import do_run_retention, do_set_legal_hold, do_set_space_retention
from afterclass.retention.models import OrganisationRetention, RetentionRun, SpaceRetention
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

MANAGE = reverse("manage-retention")
# The same with 1 and 50 spaces: spaces with their own rule, holds and runs are one query each.
QUERIES = 11
SPACE_QUERIES = 6  # the same with and without a hold
# The preview: threads, comments and files counted per space in one query each.
PREVIEW_QUERIES = 15


def test_manage_retention_shows_the_rule_in_force(client, world):
    client.force_login(world.admin)
    response = client.get(MANAGE)
    assert response.status_code == 200
    assert "Keep everything" in response.content.decode()


def test_manage_retention_preview_shows_counts_per_space_and_changes_nothing(client, world):
    client.force_login(world.admin)
    response = client.post(MANAGE, {"action": "delete", "months": "12", "preview": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Switch this rule on" in body
    assert body.count("<td>2</td>") >= 2  # two threads from each space
    assert "Finance club" in body
    assert "Excel tips" in body
    assert not OrganisationRetention.objects.exists()


def test_manage_retention_switch_on_saves_and_audits(client, world):
    client.force_login(world.admin)
    response = client.post(MANAGE, {"action": "archive", "months": "6", "switch_on": ""})
    assert response.status_code == 302
    row = OrganisationRetention.objects.get()
    assert (row.action, row.months) == ("archive", 6)
    assert AuditEntry.objects.filter(action="retention.organisation_rule").exists()


def test_manage_retention_refuses_a_delete_rule_without_months(client, world):
    client.force_login(world.admin)
    response = client.post(MANAGE, {"action": "delete", "months": "", "preview": ""})
    assert response.status_code == 400
    assert "Say after how many months" in response.content.decode()


def test_manage_retention_refuses_people_who_are_not_admins(client, world):
    client.force_login(world.member)
    assert client.get(MANAGE).status_code == 403
    assert client.post(MANAGE, {"action": "keep", "switch_on": ""}).status_code == 403
    assert not OrganisationRetention.objects.exists()


def test_space_retention_owner_sees_the_rule_but_may_not_change_it(client, world):
    owner = PersonFactory()
    add_member(world.first, owner, role=Role.OWNER)
    client.force_login(owner)
    url = reverse("space-retention", args=[world.first.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Organisation admins set retention rules" in page.content.decode()
    refused = client.post(url, {"action": "delete", "months": "1", "switch_on": ""})
    assert refused.status_code == 403
    hold = client.post(reverse("space-legal-hold", args=[world.first.slug]), {"hold": "off"})
    assert hold.status_code == 403
    assert not SpaceRetention.objects.exists()


def test_space_retention_refuses_members(client, world):
    client.force_login(world.member)
    assert client.get(reverse("space-retention", args=[world.first.slug])).status_code == 403


def test_space_retention_preview_then_switch_on(client, world):
    client.force_login(world.admin)
    url = reverse("space-retention", args=[world.first.slug])
    preview = client.post(url, {"action": "delete", "months": "12", "preview": ""})
    assert preview.status_code == 200
    assert "<td>2</td>" in preview.content.decode()
    assert not SpaceRetention.objects.exists()
    switched = client.post(url, {"action": "delete", "months": "12", "switch_on": ""})
    assert switched.status_code == 302
    row = SpaceRetention.objects.get(space=world.first)
    assert (row.action, row.months) == ("delete", 12)


def test_space_legal_hold_on_and_off(client, world):
    client.force_login(world.admin)
    url = reverse("space-legal-hold", args=[world.first.slug])
    assert client.post(url, {"hold": "on", "reason": ""}).status_code == 400
    assert client.post(url, {"hold": "on", "reason": "Matter 9"}).status_code == 302
    assert SpaceRetention.objects.get(space=world.first).legal_hold
    page = client.get(reverse("space-retention", args=[world.first.slug]))
    assert "Lift the legal hold" in page.content.decode()
    assert client.post(url, {"hold": "off"}).status_code == 302
    assert not SpaceRetention.objects.get(space=world.first).legal_hold


def test_space_settings_links_to_retention(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("space-settings", args=[world.first.slug]))
    assert reverse("space-retention", args=[world.first.slug]) in page.content.decode()


@pytest.mark.parametrize("spaces", [1, 50])
def test_manage_retention_page_query_count_is_flat(
    client, admin, django_assert_num_queries, spaces
):
    # The page (not the preview, which counts per space) stays flat.
    for number in range(spaces):
        space = make_space(admin, name=f"Space {number}", slug=f"space-{number}")
        do_set_space_retention(space, "keep", None, actor=admin)
        do_set_legal_hold(space, True, reason="Matter", actor=admin)
    client.force_login(admin)
    with django_assert_num_queries(QUERIES):
        assert client.get(MANAGE).status_code == 200


@pytest.mark.parametrize("spaces", [1, 50])
def test_manage_retention_preview_query_count_is_flat(
    client, admin, idle_spaces, django_assert_num_queries, spaces
):
    idle_spaces(spaces)
    client.force_login(admin)
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.post(MANAGE, {"action": "delete", "months": "1", "preview": ""})
    assert response.content.decode().count('<th scope="row">') == spaces


def test_manage_retention_shows_a_run_that_did_not_finish(client, world):
    # A run whose task failed part-way (its row is written first, finished last).
    RetentionRun.objects.create()
    do_run_retention()
    client.force_login(world.admin)
    body = client.get(MANAGE).content.decode()
    assert "did not finish" in body
    assert "0 archived, 0 deleted" in body


@pytest.mark.parametrize("held", [False, True])
def test_space_retention_page_query_count(client, world, django_assert_num_queries, held):
    if held:
        do_set_legal_hold(world.first, True, reason="Matter", actor=world.admin)
    client.force_login(world.admin)
    with django_assert_num_queries(SPACE_QUERIES):
        response = client.get(reverse("space-retention", args=[world.first.slug]))
    assert response.status_code == 200
