"""The nightly statistics job: the SQLite planner gets the statistics it otherwise never has."""

import pytest
from django.db import connection

from afterclass.core.tasks import refresh_database_statistics
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import make_space
from afterclass.worker.schedule import SCHEDULE

pytestmark = pytest.mark.django_db


def test_the_job_is_scheduled_daily():
    paths = {job.task_path: job.every.days for job in SCHEDULE}
    assert paths["afterclass.core.tasks.refresh_database_statistics"] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum analyses")
def test_sqlite_gets_statistics_for_its_indexes(admin):
    space = make_space(admin)
    for number in range(3):
        make_post(space, admin, title=f"Post {number}")

    refresh_database_statistics.call()

    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'posts_post'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "posts_post_space_i_d0ad9d_idx" in indexes
