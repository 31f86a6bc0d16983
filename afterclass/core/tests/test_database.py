"""Every new PostgreSQL connection turns JIT compilation off (see core.database)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_postgresql_connection_has_jit_off():
    # The server's default is on: only the connection_created handler turns it off.
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
