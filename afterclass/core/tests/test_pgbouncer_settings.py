"""AFTERCLASS_DB_PGBOUNCER: what PostgreSQL behind PgBouncer's transaction mode needs (settings
read in a fresh process)."""

from afterclass.core.tests.test_settings import clean_env, settings_of

POSTGRES = "postgres://afterclass@127.0.0.1:6432/afterclass"


def test_pgbouncer_turns_off_server_side_cursors_and_prepared_statements(tmp_path):
    env = clean_env(DATABASE_URL=POSTGRES, AFTERCLASS_DB_PGBOUNCER="1")
    database = settings_of(env, tmp_path, "DATABASES")["DATABASES"]["default"]
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None
    assert database["OPTIONS"]["pool"]["max_size"] == 10  # Django's pool stays in front


def test_without_pgbouncer_postgresql_keeps_its_defaults(tmp_path):
    database = settings_of(clean_env(DATABASE_URL=POSTGRES), tmp_path, "DATABASES")["DATABASES"]
    database = database["default"]
    assert not database.get("DISABLE_SERVER_SIDE_CURSORS")
    assert "prepare_threshold" not in database["OPTIONS"]
