"""What a database connection costs a request: a new connection and one query, against one
query on a connection already open, with the pool on and off, as Django opens them.

Not a test: run it by hand, on each backend.

    .venv/bin/python bench/connections.py                        # SQLite, a migrated temporary file
    .venv/bin/python bench/connections.py --backend postgresql   # needs PostgreSQL on 127.0.0.1

Under ASGI Django closes its connection at the end of every request (CONN_MAX_AGE must stay
0), so without a pool every page pays "close, connect, query" where the bare view of
bench/pages.py pays nothing. It migrates a fresh database (SQLite parses the whole schema on a
connection's first statement: the size of the schema matters), then prints the median of
--repeat runs of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import os

from benchkit import add_database_arguments, configure, median_ms

PG_NAME = "afterclass_connections_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    os.environ.pop("AFTERCLASS_DB_POOL", None)
    drop = configure(args, PG_NAME)
    try:
        from django.core.management import call_command
        from django.db import connection
        from django.db.utils import load_backend

        from afterclass.people.models import Organisation

        call_command("migrate", verbosity=0)
        Organisation.current()

        def query() -> None:
            Organisation.objects.filter(pk=1).first()

        def reconnect_and_query() -> None:
            connection.close()
            query()

        pooled = median_ms(reconnect_and_query, args.repeat)
        open_ = median_ms(query, args.repeat)
        # The same without the pool: Django's own backend, a connection per request.
        connection.close()
        backend = "sqlite3" if connection.vendor == "sqlite" else "postgresql"
        settings_dict = {**connection.settings_dict}
        settings_dict["OPTIONS"] = {
            key: value for key, value in settings_dict["OPTIONS"].items() if key != "pool"
        }
        plain = load_backend(f"django.db.backends.{backend}").DatabaseWrapper(
            settings_dict, "plain"
        )

        def plain_reconnect_and_query() -> None:
            plain.close()
            with plain.cursor() as cursor:
                cursor.execute("SELECT name FROM people_organisation WHERE id = 1")
                cursor.fetchall()

        unpooled = median_ms(plain_reconnect_and_query, args.repeat)
        plain.close()
        print(f"{connection.vendor}, median of {args.repeat}, ms:")
        print(f"  new connection + one query, no pool : {unpooled:7.2f}")
        print(f"  from the pool + one query           : {pooled:7.2f}")
        print(f"  one query on an open connection     : {open_:7.2f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
