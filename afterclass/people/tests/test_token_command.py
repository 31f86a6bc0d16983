"""`afterclass token`: create, list and revoke personal access tokens from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import do_create_access_token, person_for_token
from afterclass.people.models import AccessToken
from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_token_create_prints_only_the_token_on_its_last_line(person):
    out, err = run("create", person.email)
    token = out.splitlines()[-1]
    assert token == out.strip()
    assert person_for_token(token) == person
    assert "shown only now" in err
    assert token not in err


def test_token_create_stores_only_a_hash_and_the_name(person, client):
    out, _ = run("create", person.email, "--name", "Reporting script")
    token = out.strip()
    stored = AccessToken.objects.get(person=person)
    assert stored.name == "Reporting script"
    assert token not in {stored.token_hash, stored.prefix}
    assert token.startswith(stored.prefix)
    assert AuditEntry.objects.filter(action="token.create", actor_id=person.pk).exists()
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_token_create_finds_the_email_in_any_case(person):
    out, _ = run("create", f"  {person.email.upper()} ")
    assert person_for_token(out.strip()) == person


def test_token_create_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match="There is no person with the e-mail address"):
        run("create", "nobody@example.org")
    assert not AccessToken.objects.exists()


def test_token_create_refused_for_deactivated_person():
    person = PersonFactory(is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        run("create", person.email)
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_token_create_refuses_bad_names(person, name):
    with pytest.raises(CommandError, match="name"):
        run("create", person.email, "--name", name)
    assert not AccessToken.objects.exists()


def test_token_needs_a_subcommand(person):
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run("delete", person.email)


def test_token_list_shows_prefix_name_and_state(person):
    do_create_access_token(person, "Laptop", actor=person)
    run("create", person.email, "--name", "Old script")
    old = AccessToken.objects.get(name="Old script")
    run("revoke", person.email, old.prefix)
    out, _ = run("list", person.email)
    lines = out.splitlines()
    assert len(lines) == 2
    assert "Old script" in lines[0]
    assert "revoked" in lines[0]
    assert "Laptop" in lines[1]
    assert "never used" in lines[1]


def test_token_list_without_tokens(person):
    out, _ = run("list", person.email)
    assert out.strip() == f"{person.email} has no access tokens."


def test_token_revoke_by_prefix_stops_the_token_working(person):
    token = run("create", person.email)[0].strip()
    stored = AccessToken.objects.get(person=person)
    out, _ = run("revoke", person.email, f"{stored.prefix}…")
    assert "Revoked" in out
    assert person_for_token(token) is None


def test_token_revoke_by_whole_token(person):
    token = run("create", person.email)[0].strip()
    run("revoke", person.email, token)
    assert person_for_token(token) is None


def test_token_revoke_refuses_someone_elses_token(person):
    other = PersonFactory()
    token = run("create", other.email)[0].strip()
    prefix = AccessToken.objects.get(person=other).prefix
    with pytest.raises(CommandError, match="has no active token"):
        run("revoke", person.email, prefix)
    assert person_for_token(token) == other


def test_token_revoke_twice_is_an_error(person):
    run("create", person.email)
    prefix = AccessToken.objects.get(person=person).prefix
    run("revoke", person.email, prefix)
    with pytest.raises(CommandError, match="has no active token"):
        run("revoke", person.email, prefix)
