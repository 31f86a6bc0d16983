"""Fixtures shared by every app's tests."""

from pathlib import Path

import pytest
from django.core.cache import cache, caches

from afterclass.people.models import Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The cache holds sign-in throttling counters; with Redis it outlives a test. Remembered
    # fragments and pages are keyed by what they show, but a test should not read another's.
    cache.clear()
    caches["fragments"].clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _count_what_pages_cost_to_build(request, settings) -> None:
    # A query-count test counts what building a page costs; a page answered from memory
    # (afterclass.core.pagecache) runs none of its queries, which core/tests/test_pagecache.py
    # asserts on its own.
    if {"django_assert_num_queries", "django_assert_max_num_queries"} & set(request.fixturenames):
        settings.AFTERCLASS_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    # PBKDF2 is slow on purpose; tests hash many passwords and do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings) -> None:
    # Background tasks run right after commit, in the test; tests of the queue itself switch
    # to the database backend.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def person(db) -> Person:
    return PersonFactory()


@pytest.fixture
def admin(db) -> Person:
    return AdminFactory()
