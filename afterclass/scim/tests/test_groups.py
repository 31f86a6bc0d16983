"""/scim/v2/Groups: departments, their members, and the PATCH forms of Entra ID and Okta."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from afterclass.audit.models import AuditEntry
from afterclass.people.models import Department, Person
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.spaces.tests.factories import make_space

pytestmark = pytest.mark.django_db

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def patch(*operations):
    return {"schemas": [PATCH], "Operations": list(operations)}


def member_ids(department):
    return sorted(department.people.values_list("pk", flat=True))


def test_create_group_makes_a_department_with_its_members(scim, scim_token):
    people = PersonFactory.create_batch(2)
    response = scim.post(
        "Groups",
        {
            "schemas": [GROUP],
            "displayName": "Finance",
            "externalId": "grp-1",
            "members": [{"value": str(p.pk)} for p in people],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    department = Department.objects.get(pk=body["id"])
    assert department.name == "Finance"
    assert member_ids(department) == sorted(p.pk for p in people)
    assert body["externalId"] == "grp-1"
    assert sorted(m["value"] for m in body["members"]) == sorted(str(p.pk) for p in people)
    entry = AuditEntry.objects.get(action="scim.department.create")
    assert entry.data["scim_token"] == scim_token.pk


def test_create_group_with_a_taken_name_conflicts(scim):
    DepartmentFactory(name="Finance")
    response = scim.post("Groups", {"schemas": [GROUP], "displayName": "finance"})
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"


@pytest.mark.parametrize(
    "members",
    [[{"value": "999999"}], [{"value": "abc"}], [{"value": "1", "type": "Group"}]],
)
def test_create_group_with_bad_members_is_refused(scim, members):
    response = scim.post("Groups", {"schemas": [GROUP], "displayName": "X", "members": members})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert not Department.objects.filter(name="X").exists()


def test_groups_filter_by_display_name_and_external_id(scim):
    finance = DepartmentFactory(name="Finance")
    DepartmentFactory(name="Legal")
    scim.patch(f"Groups/{finance.pk}", patch({"op": "add", "path": "externalId", "value": "g-f"}))
    for query in ('displayName eq "finance"', 'externalId eq "g-f"'):
        response = scim.client.get("/scim/v2/Groups", {"filter": query}, **scim.headers)
        assert [g["displayName"] for g in response.json()["Resources"]] == ["Finance"], query


def test_groups_filter_by_member(scim):
    finance = DepartmentFactory(name="Finance")
    person = PersonFactory(department=finance)
    response = scim.client.get(
        "/scim/v2/Groups", {"filter": f'members[value eq "{person.pk}"]'}, **scim.headers
    )
    assert [g["id"] for g in response.json()["Resources"]] == [str(finance.pk)]


def test_groups_excluded_members(scim):
    finance = DepartmentFactory(name="Finance")
    PersonFactory(department=finance)
    response = scim.client.get("/scim/v2/Groups", {"excludedAttributes": "members"}, **scim.headers)
    assert "members" not in response.json()["Resources"][0]


def test_groups_list_query_count_stays_flat(scim):
    DepartmentFactory()
    scim.get("Groups")  # the token's first use of the minute is written once
    with CaptureQueriesContext(connection) as one:
        scim.get("Groups")
    for _ in range(20):
        PersonFactory(department=DepartmentFactory())
    with CaptureQueriesContext(connection) as many:
        scim.get("Groups")
    assert len(many) == len(one)


def test_patch_members_add_and_okta_remove_by_filter(scim):
    finance = DepartmentFactory(name="Finance")
    ada, grace = PersonFactory(), PersonFactory()
    response = scim.patch(
        f"Groups/{finance.pk}",
        patch(
            {
                "op": "add",
                "path": "members",
                "value": [{"value": str(ada.pk)}, {"value": str(grace.pk)}],
            }
        ),
    )
    assert response.status_code == 200, response.content
    assert member_ids(finance) == sorted([ada.pk, grace.pk])
    response = scim.patch(
        f"Groups/{finance.pk}", patch({"op": "remove", "path": f'members[value eq "{ada.pk}"]'})
    )
    assert response.status_code == 200, response.content
    assert member_ids(finance) == [grace.pk]
    ada.refresh_from_db()
    assert ada.department is None


def test_patch_entra_remove_members_with_a_value_list(scim):
    finance = DepartmentFactory(name="Finance")
    ada, grace = PersonFactory(department=finance), PersonFactory(department=finance)
    response = scim.patch(
        f"Groups/{finance.pk}",
        patch({"op": "Remove", "path": "members", "value": [{"value": str(ada.pk)}]}),
    )
    assert response.status_code == 200, response.content
    assert member_ids(finance) == [grace.pk]


def test_patch_okta_replace_members_and_name_without_path(scim):
    finance = DepartmentFactory(name="Finance")
    ada, grace = PersonFactory(department=finance), PersonFactory()
    assert member_ids(finance) == [ada.pk]
    response = scim.patch(
        f"Groups/{finance.pk}",
        patch(
            {"op": "replace", "value": {"id": str(finance.pk), "displayName": "Money"}},
            {"op": "replace", "path": "members", "value": [{"value": str(grace.pk)}]},
        ),
    )
    assert response.status_code == 200, response.content
    finance.refresh_from_db()
    assert finance.name == "Money"
    assert member_ids(finance) == [grace.pk]


def test_joining_a_department_moves_a_person_out_of_the_last(scim):
    finance, legal = DepartmentFactory(name="Finance"), DepartmentFactory(name="Legal")
    ada = PersonFactory(department=finance)
    scim.patch(
        f"Groups/{legal.pk}",
        patch({"op": "add", "path": "members", "value": [{"value": str(ada.pk)}]}),
    )
    ada.refresh_from_db()
    assert ada.department == legal


def test_put_group_replaces_name_and_members(scim):
    finance = DepartmentFactory(name="Finance")
    ada, grace = PersonFactory(department=finance), PersonFactory()
    assert member_ids(finance) == [ada.pk]
    response = scim.put(
        f"Groups/{finance.pk}",
        {"schemas": [GROUP], "displayName": "Treasury", "members": [{"value": str(grace.pk)}]},
    )
    assert response.status_code == 200, response.content
    finance.refresh_from_db()
    assert finance.name == "Treasury"
    assert member_ids(finance) == [grace.pk]


def test_delete_group_removes_an_unused_department_and_keeps_its_people(scim):
    finance = DepartmentFactory(name="Finance")
    ada = PersonFactory(department=finance)
    assert scim.delete(f"Groups/{finance.pk}").status_code == 204
    assert not Department.objects.filter(pk=finance.pk).exists()
    ada.refresh_from_db()
    assert ada.is_active
    assert ada.department is None
    assert scim.get(f"Groups/{finance.pk}").status_code == 404


def test_delete_group_keeps_a_department_a_space_is_for(scim, admin):
    finance = DepartmentFactory(name="Finance")
    space = make_space(admin, name="Budgets")
    space.audience_departments.add(finance)
    assert scim.delete(f"Groups/{finance.pk}").status_code == 204
    assert Department.objects.filter(pk=finance.pk).exists()
    assert scim.get(f"Groups/{finance.pk}").status_code == 404
    listed = scim.get("Groups").json()["Resources"]
    assert str(finance.pk) not in [g["id"] for g in listed]


def test_existing_people_appear_in_their_department_group(scim):
    finance = DepartmentFactory(name="Finance")
    ada = PersonFactory(department=finance)
    body = scim.get(f"Groups/{finance.pk}").json()
    assert body["members"] == [
        {"value": str(ada.pk), "$ref": f"http://testserver/scim/v2/Users/{ada.pk}", "type": "User"}
    ]
    assert Person.objects.get(pk=ada.pk).department == finance
