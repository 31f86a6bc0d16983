"""People API: me, the directory with its filters, profiles, departments and levels."""

import pytest

from afterclass.people.actions import do_create_access_token, do_set_active
from afterclass.people.models import Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.search.index import rebuild

pytestmark = pytest.mark.django_db

# Queries per request: the token (1), then the page (1). Departments: 1; levels: 1.
DIRECTORY_QUERIES = 2
DEPARTMENTS_QUERIES = 2
LEVELS_QUERIES = 2


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def auth(person) -> dict[str, str]:
    return bearer(person)


def names(response) -> list[str]:
    return [item["display_name"] for item in response.json()["items"]]


# --- me ---------------------------------------------------------------------------------------


def test_me_returns_own_profile_with_admin_flag(client, admin):
    department = DepartmentFactory(name="Finance")
    level = LevelFactory(name="Manager", rank=3)
    Person.objects.filter(pk=admin.pk).update(department=department, level=level, bio="Hi")
    response = client.get("/api/v1/people/me", **bearer(admin))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == admin.pk
    assert body["is_org_admin"] is True
    assert body["department"] == {"id": department.pk, "name": "Finance", "parent_id": None}
    assert body["level"] == {"id": level.pk, "name": "Manager", "rank": 3}
    assert body["bio"] == "Hi"


@pytest.mark.parametrize(
    "url", ["/api/v1/people/me", "/api/v1/people", "/api/v1/people/1", "/api/v1/departments"]
)
def test_people_endpoints_refuse_anonymous(client, person, url):
    response = client.get(url)
    assert response.status_code == 401
    assert "detail" in response.json()


# --- the directory ------------------------------------------------------------------------


def test_directory_lists_active_people_in_name_order(client, person, admin, auth):
    PersonFactory(display_name="Zoe Adams")
    PersonFactory(display_name="Amir Khan")
    gone = PersonFactory(display_name="Bea Gone")
    do_set_active(gone, False, actor=admin)
    response = client.get("/api/v1/people", **auth)
    assert response.status_code == 200
    assert names(response) == sorted(
        ["Zoe Adams", "Amir Khan", person.display_name, admin.display_name]
    )
    assert response.json()["next"] is None


def test_directory_shows_colleagues_emails(client, person, auth):
    colleague = PersonFactory(display_name="Amir Khan", email="amir@example.org")
    rebuild()
    items = client.get("/api/v1/people?q=amir", **auth).json()["items"]
    assert items == [
        {
            "id": colleague.pk,
            "display_name": "Amir Khan",
            "email": "amir@example.org",
            "job_title": "Analyst",
            "department": None,
            "level": None,
            "avatar_url": None,
            "is_active": True,
        }
    ]


def test_directory_searches_names_and_job_titles(client, auth):
    PersonFactory(display_name="Amir Khan", job_title="Data engineer")
    PersonFactory(display_name="Zoe Adams", job_title="Nurse")
    rebuild()
    assert names(client.get("/api/v1/people?q=engineer", **auth)) == ["Amir Khan"]
    assert names(client.get("/api/v1/people?q=zoe%20nurse", **auth)) == ["Zoe Adams"]
    assert names(client.get("/api/v1/people?q=nobody", **auth)) == []


def test_directory_filters_by_department_including_teams(client, auth):
    finance = DepartmentFactory(name="Finance")
    payroll = DepartmentFactory(name="Payroll", parent=finance)
    PersonFactory(display_name="In finance", department=finance)
    PersonFactory(display_name="In payroll", department=payroll)
    PersonFactory(display_name="Elsewhere", department=DepartmentFactory(name="Sales"))
    response = client.get(f"/api/v1/people?department={finance.pk}", **auth)
    assert names(response) == ["In finance", "In payroll"]
    response = client.get(f"/api/v1/people?department={payroll.pk}", **auth)
    assert names(response) == ["In payroll"]


def test_directory_filters_by_level(client, auth):
    manager = LevelFactory(name="Manager", rank=3)
    PersonFactory(display_name="A manager", level=manager)
    PersonFactory(display_name="Not one")
    assert names(client.get(f"/api/v1/people?level={manager.pk}", **auth)) == ["A manager"]


def test_directory_pages_with_cursor(client, person, auth):
    for number in range(4):
        PersonFactory(display_name=f"Page person {number}")
    rebuild()
    first = client.get("/api/v1/people?q=page&limit=3", **auth).json()
    assert [item["display_name"] for item in first["items"]] == [
        "Page person 0",
        "Page person 1",
        "Page person 2",
    ]
    assert first["next"]
    second = client.get(f"/api/v1/people?q=page&limit=3&cursor={first['next']}", **auth).json()
    assert [item["display_name"] for item in second["items"]] == ["Page person 3"]
    assert second["next"] is None


def test_directory_refuses_a_bad_cursor_with_400(client, auth):
    response = client.get("/api/v1/people?cursor=not-a-cursor", **auth)
    assert response.status_code == 400
    assert response.json()["detail"] == "This page link is not valid."
    assert response.json()["field"] == "cursor"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("q=" + "x" * 201, "q"),
        ("q=%00", "q"),
        ("department=finance", "department"),
        ("department=0", "department"),
        ("department=99999999999999999999", "department"),
        ("level=-1", "level"),
    ],
)
def test_directory_refuses_bad_parameters_with_422_naming_the_field(client, auth, query, field):
    response = client.get(f"/api/v1/people?{query}", **auth)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith(f"{field}: ")
    assert [error["field"] for error in body["errors"]] == [field]


def test_directory_unknown_department_finds_nobody(client, auth):
    response = client.get("/api/v1/people?department=999999", **auth)
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("rows", [1, 50])
def test_directory_query_count_is_the_same_for_1_and_50_people(
    client, person, django_assert_num_queries, rows
):
    auth = bearer(person)
    finance = DepartmentFactory(name="Finance")
    team = DepartmentFactory(name="Payroll", parent=finance)
    level = LevelFactory(name="Manager", rank=3)
    PersonFactory.create_batch(rows - 1, department=team, level=level)
    client.get("/api/v1/people/me", **auth)  # the token's first use is recorded once
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get("/api/v1/people?limit=100", **auth)
    assert len(response.json()["items"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_directory_search_query_count_is_the_same_for_1_and_50_people(
    client, person, django_assert_num_queries, rows
):
    auth = bearer(person)
    team = DepartmentFactory(name="Payroll", parent=DepartmentFactory(name="Finance"))
    PersonFactory.create_batch(rows, department=team, job_title="Surveyor")
    rebuild()
    client.get("/api/v1/people/me", **auth)  # the token's first use is recorded once
    # the token, the ranked page of the search index, the people on it
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/people?q=surveyor&department={team.pk}&limit=100", **auth)
    assert len(response.json()["items"]) == rows


# --- one person ---------------------------------------------------------------------------


def test_person_returns_profile(client, auth):
    colleague = PersonFactory(display_name="Amir Khan", bio="Loves SQL", interests=["sql"])
    response = client.get(f"/api/v1/people/{colleague.pk}", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Amir Khan"
    assert body["bio"] == "Loves SQL"
    assert body["interests"] == ["sql"]
    assert "is_org_admin" not in body


def test_person_shows_deactivated_person_as_inactive(client, admin, auth):
    gone = PersonFactory()
    do_set_active(gone, False, actor=admin)
    response = client.get(f"/api/v1/people/{gone.pk}", **auth)
    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_person_unknown_is_404_json(client, auth):
    response = client.get("/api/v1/people/999999", **auth)
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such person.", "field": None, "errors": []}


@pytest.mark.parametrize("person_id", ["abc", "0", "-3", "99999999999999999999", "1.5"])
def test_person_refuses_bad_ids_with_422(client, auth, person_id):
    response = client.get(f"/api/v1/people/{person_id}", **auth)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("person_id: ")


# --- departments and levels -----------------------------------------------------------------


def test_departments_are_a_tree_of_departments_and_teams(client, auth):
    finance = DepartmentFactory(name="Finance")
    payroll = DepartmentFactory(name="Payroll", parent=finance)
    audit = DepartmentFactory(name="Audit", parent=finance)
    sales = DepartmentFactory(name="Sales")
    response = client.get("/api/v1/departments", **auth)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": finance.pk,
                "name": "Finance",
                "parent_id": None,
                "teams": [
                    {"id": audit.pk, "name": "Audit", "parent_id": finance.pk},
                    {"id": payroll.pk, "name": "Payroll", "parent_id": finance.pk},
                ],
            },
            {"id": sales.pk, "name": "Sales", "parent_id": None, "teams": []},
        ],
        "next": None,
    }


@pytest.mark.parametrize("rows", [1, 50])
def test_departments_query_count_is_the_same_for_1_and_50(
    client, person, django_assert_num_queries, rows
):
    auth = bearer(person)
    top = DepartmentFactory()
    DepartmentFactory.create_batch(rows - 1, parent=top)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(DEPARTMENTS_QUERIES):
        response = client.get("/api/v1/departments", **auth)
    assert len(response.json()["items"][0]["teams"]) == rows - 1


def test_levels_are_listed_most_junior_first(client, auth):
    LevelFactory(name="Director", rank=4)
    LevelFactory(name="Staff", rank=1)
    response = client.get("/api/v1/levels", **auth)
    assert response.status_code == 200
    assert [level["name"] for level in response.json()["items"]] == ["Staff", "Director"]


@pytest.mark.parametrize("rows", [1, 50])
def test_levels_query_count_is_the_same_for_1_and_50(
    client, person, django_assert_num_queries, rows
):
    auth = bearer(person)
    for rank in range(rows):
        LevelFactory(name=f"Level {rank}", rank=rank + 1)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(LEVELS_QUERIES):
        response = client.get("/api/v1/levels", **auth)
    assert len(response.json()["items"]) == rows
