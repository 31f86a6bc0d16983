"""The audit log: append-only, Manage → Audit log (filters, pages, CSV) and GET /api/v1/audit."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.audit.models import AuditEntry, AuditLogIsAppendOnly
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.tests.factories import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


def entry(action="person.update", *, actor=None, target=None, space_id=None, days_ago=0, **data):
    target = target or Organisation.current()
    made = record_audit(action, target, actor=actor, space_id=space_id, **data)
    if days_ago:
        # Tests only: the app itself cannot move an entry in time (see the append-only tests).
        AuditEntry._base_manager.filter(pk=made.pk).update(
            time=timezone.now() - timedelta(days=days_ago)
        )
    return made


def bearer(person) -> dict[str, str]:
    _, token = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- Append-only -----------------------------------------------------------------------------


def test_audit_entry_cannot_be_edited_through_save(admin):
    made = entry(actor=admin, note="first")
    made.action = "person.deactivate"
    made.data = {"note": "changed"}
    with pytest.raises(AuditLogIsAppendOnly):
        made.save()
    stored = AuditEntry.objects.get(pk=made.pk)
    assert (stored.action, stored.data) == ("person.update", {"note": "first"})


def test_audit_entry_cannot_be_deleted(admin):
    made = entry(actor=admin)
    with pytest.raises(AuditLogIsAppendOnly):
        made.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=made.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=made.pk).exists()


def test_audit_entries_cannot_be_updated_in_bulk(admin):
    made = entry(actor=admin)
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=made.pk).update(action="person.admin")
    made.action = "person.admin"
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.bulk_update([made], ["action"])
    assert AuditEntry.objects.get(pk=made.pk).action == "person.update"


def test_audit_entry_outlives_its_actor():
    someone = PersonFactory()
    made = entry(actor=someone)
    someone.delete()
    made = AuditEntry.objects.get(pk=made.pk)
    assert made.actor_id is None
    assert made.action == "person.update"


def test_audit_entry_can_still_be_added(admin):
    assert entry(actor=admin).pk is not None
    with pytest.raises((IntegrityError, AuditLogIsAppendOnly)):
        AuditEntry(pk=entry(actor=admin).pk, action="x", target_type="x").save()


# --- Manage → Audit log ----------------------------------------------------------------------


def test_audit_log_page_is_for_organisation_admins_only(client, person):
    url = reverse("manage-audit")
    assert client.get(url).status_code == 302
    client.force_login(person)
    assert client.get(url).status_code == 403
    assert client.get(reverse("manage-audit-csv")).status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_audit_log_page_lists_entries_newest_first(client, admin):
    entry("space.create", actor=admin, days_ago=3)
    entry("person.deactivate", actor=admin, days_ago=1)
    client.force_login(admin)
    body = client.get(reverse("manage-audit")).content.decode()
    assert body.index("person.deactivate") < body.index("space.create")
    assert 'aria-current="page">Audit log' in body


def test_audit_log_filters_by_actor_action_space_and_dates(client, admin):
    alex = PersonFactory(display_name="Alex Unique", email="alex.unique@example.org")
    space = make_space(admin, name="Rust club")
    other = make_space(admin, name="Go club", slug="go-club")
    entry("post.reveal_asker", actor=alex, space_id=space.pk, days_ago=10, marker="old-reveal")
    entry("post.reveal_asker", actor=alex, space_id=other.pk, days_ago=2, marker="go-reveal")
    entry("post.reveal_asker", actor=admin, space_id=space.pk, days_ago=2, marker="admin-reveal")
    entry("membership.role", actor=alex, space_id=space.pk, days_ago=2, marker="role-change")
    client.force_login(admin)
    url = reverse("manage-audit")
    since = (timezone.localdate() - timedelta(days=5)).isoformat()

    body = client.get(
        url, {"who": "alex.unique", "action": "post.reveal_asker", "space": space.pk}
    ).content.decode()
    assert "old-reveal" in body
    assert "go-reveal" not in body
    assert "admin-reveal" not in body
    assert "role-change" not in body

    body = client.get(url, {"actor": alex.pk, "since": since}).content.decode()
    assert "go-reveal" in body
    assert "role-change" in body
    assert "old-reveal" not in body
    assert "admin-reveal" not in body

    until = (timezone.localdate() - timedelta(days=5)).isoformat()
    body = client.get(url, {"until": until}).content.decode()
    assert "old-reveal" in body
    assert "go-reveal" not in body


def test_audit_log_action_choices_are_the_actions_that_exist(client, admin):
    entry("post.reveal_asker", actor=admin)
    client.force_login(admin)
    body = client.get(reverse("manage-audit")).content.decode()
    assert '<option value="post.reveal_asker">' in body
    assert '<option value="erasure.run">' not in body


def test_audit_log_refuses_bad_filters(client, admin):
    client.force_login(admin)
    url = reverse("manage-audit")
    assert client.get(url, {"action": "no.such"}).status_code == 400
    assert client.get(url, {"space": "abc"}).status_code == 400
    assert client.get(url, {"since": "2026-05-02", "until": "2026-05-01"}).status_code == 400
    assert client.get(url, {"cursor": "!!!"}).status_code == 400


def test_audit_log_pages_by_keyset(client, admin):
    made = [entry("person.update", actor=admin, number=n) for n in range(30)]
    client.force_login(admin)
    first = client.get(reverse("manage-audit"), {"actor": admin.pk})
    page = first.context["page"]
    assert [e.pk for e in page.items] == [e.pk for e in reversed(made[-25:])]
    assert page.next
    second = client.get(reverse("manage-audit"), {"actor": admin.pk, "cursor": page.next})
    rest = second.context["page"]
    assert [e.pk for e in rest.items] == [e.pk for e in reversed(made[:5])]
    assert rest.next is None


def test_audit_log_htmx_answers_the_results_only(client, admin):
    entry("person.update", actor=admin)
    client.force_login(admin)
    body = client.get(reverse("manage-audit"), HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<section id="results"')


@pytest.mark.parametrize("count", [1, 50])
def test_audit_log_page_query_count(client, admin, django_assert_num_queries, count):
    space = make_space(admin)
    for _ in range(count):
        entry("person.update", actor=PersonFactory(), space_id=space.pk)
    client.force_login(admin)
    client.get(reverse("manage-audit"))
    # session, person, spaces (choices and names), actions, the page (entries with actors),
    # the organisation (the layout's name and logo)
    with django_assert_num_queries(6):
        response = client.get(reverse("manage-audit"))
    assert response.status_code == 200


def test_audit_log_csv_streams_the_filtered_entries_and_is_audited(client, admin):
    space = make_space(admin, name="Rust club")
    entry("post.reveal_asker", actor=admin, space_id=space.pk, reason="=HYPERLINK(1)")
    entry("space.create", actor=admin, space_id=space.pk)
    client.force_login(admin)
    response = client.get(reverse("manage-audit-csv"), {"action": "post.reveal_asker"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["time", "actor_id", "actor_name", "actor_email", "action"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["action"] == "post.reveal_asker"
    assert row["actor_email"] == admin.email
    assert row["space_name"] == "Rust club"
    assert '"reason": "=HYPERLINK(1)"' in row["data"]
    export = AuditEntry.objects.get(action="audit.export")
    assert export.actor_id == admin.pk
    assert export.data == {"filters": {"action": "post.reveal_asker"}}


def test_audit_log_csv_cells_cannot_run_as_formulas(client, admin):
    someone = PersonFactory(display_name="=cmd|' /C calc'!A0")
    entry("person.update", actor=someone)
    client.force_login(admin)
    response = client.get(reverse("manage-audit-csv"), {"actor": someone.pk})
    text = b"".join(response.streaming_content).decode()
    assert "'=cmd" in text


# --- GET /api/v1/audit -----------------------------------------------------------------------


def test_api_audit_is_for_admins_only(client, person):
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit", **bearer(person)).status_code == 403


def test_api_audit_filters_and_pages(client, admin):
    space = make_space(admin)
    alex = PersonFactory()
    for n in range(3):
        entry("membership.role", actor=alex, space_id=space.pk, n=n)
    entry("membership.role", actor=admin, space_id=space.pk)
    entry("post.reveal_asker", actor=alex, days_ago=4)
    auth = bearer(admin)
    query = {"actor": alex.pk, "space": space.pk, "action": "membership.role", "limit": 2}
    first = client.get("/api/v1/audit", query, **auth).json()
    assert [item["data"]["n"] for item in first["items"]] == [2, 1]
    assert first["items"][0]["actor"]["id"] == alex.pk
    second = client.get("/api/v1/audit", {**query, "cursor": first["next"]}, **auth).json()
    assert [item["data"]["n"] for item in second["items"]] == [0]
    assert second["next"] is None

    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = client.get("/api/v1/audit", {"actor": alex.pk, "since": since}, **auth).json()
    assert {item["action"] for item in body["items"]} == {"membership.role"}


def test_api_audit_refuses_bad_input(client, admin):
    auth = bearer(admin)
    bad = client.get("/api/v1/audit", {"since": "2026-05-02", "until": "2026-05-01"}, **auth)
    assert bad.status_code == 400
    assert client.get("/api/v1/audit", {"cursor": "!!"}, **auth).status_code == 400
    assert client.get("/api/v1/audit", {"actor": 0}, **auth).status_code == 422
    assert client.get("/api/v1/audit", {"since": "yesterday"}, **auth).status_code == 422


@pytest.mark.parametrize("count", [1, 50])
def test_api_audit_query_count(client, admin, django_assert_num_queries, count):
    for _ in range(count):
        entry("person.update", actor=PersonFactory())
    auth = bearer(admin)
    # token, the page (entries with their actors); the token's last use is written once a minute
    client.get("/api/v1/audit", **auth)
    with django_assert_num_queries(2):
        assert client.get("/api/v1/audit", **auth).status_code == 200


# --- Exports that were not audited before ----------------------------------------------------
