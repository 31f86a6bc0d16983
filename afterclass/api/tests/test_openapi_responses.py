"""The OpenAPI document cannot drift from the API: real answers of every GET endpoint, for an
organisation admin and for a member, and their 404s, are validated against the schemas the
document gives for their status; and no two schemas share a name (ninja would keep only one).

Our own check with `jsonschema` (in the dev dependencies; it was already installed with moto)
rather than schemathesis: schemathesis brings a large dependency tree, and its generated
requests mostly exercise refusals, while the drift that matters shows in successful answers over
real data, which the fixture world below gives every endpoint. A new GET endpoint with a path
parameter the world has no value for fails `test_every_get_endpoint_is_checked`."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from afterclass.api.api import api
from afterclass.attachments.tests.factories import make_upload
from afterclass.exports.request import do_request_export
from afterclass.learning.actions import do_create_session, do_submit
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.moderation.actions import do_report
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import (
    AdminFactory,
    DepartmentFactory,
    LevelFactory,
    PersonFactory,
)
from afterclass.polls.tests.factories import make_poll
from afterclass.posts.actions import do_accept_answer, do_react
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search.index import rebuild
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.actions import do_answer_survey
from afterclass.surveys.tests.conftest import full_answers, make_survey

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
# Answers that are not JSON: their schema is documented as none.
NOT_JSON = {
    "/surveys/{survey_id}/results.csv",
    "/attachments/{attachment_id}",
    "/me/export/{export_id}/file",
}
QUERY = {"/search": {"q": "retrospective"}, "/spaces/{slug}/mention-suggestions": {"q": "m"}}


@pytest.fixture
def document(client):
    """The document as clients read it (JSON: status codes are strings there)."""
    return client.get(f"{PREFIX}/openapi.json").json()


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """One of everything the GET endpoints show, made through the actions."""
    Organisation.current()
    department = DepartmentFactory(name="Finance")
    level = LevelFactory(name="Manager")
    admin = AdminFactory(display_name="Ann Admin", department=department, level=level)
    member = PersonFactory(display_name="Mina Member", department=department)
    with django_capture_on_commit_callbacks(execute=True):
        space = make_course(admin, name="Data skills", slug="data-skills")
        add_member(space, member)
        question = make_post(
            space, member, kind="question", title="How to run a retrospective?",
            body="Looking for formats #retro",
        )  # fmt: skip
        answer = make_comment(question, admin, "Try a timeline retrospective, @mina.")
        do_accept_answer(question, answer, actor=member)
        do_react(actor=admin, kind="like", post=question)
        community = make_space(admin, name="Excel club", slug="excel-club")
        add_member(community, member)
        poll = make_poll(community, member)
        do_report(poll.post, actor=admin, reason="spam")
        survey = make_survey(admin, open_it=True, anonymous=False)
        do_answer_survey(survey, full_answers(survey), actor=member)
        unit = make_unit(space, admin)
        task = make_activity(unit, admin, "task")
        make_activity(unit, admin, "quick_check")
        submission = do_submit(task, actor=member, text="My retrospective notes.")
        start = datetime(2030, 7, 1, 9, 30)  # noqa: DTZ001 - read in the session's time zone
        session = do_create_session(
            space, actor=admin, title="Workshop 1", time_zone="Europe/Paris",
            starts_at=start, ends_at=start + timedelta(hours=2), facilitator_ids=[admin.pk],
        )  # fmt: skip
        attachment = make_upload(admin)
        export = do_request_export(admin, actor=admin)
    rebuild()
    return {
        "admin": admin,
        "member": member,
        "path": {
            "person_id": member.pk,
            "slug": space.slug,
            "post_id": question.pk,
            "tag": "retro",
            "survey_id": survey.pk,
            "activity_id": task.pk,
            "session_id": session.pk,
            "submission_id": submission.pk,
            "unit_id": unit.pk,
            "attachment_id": attachment.pk,
            "export_id": export.pk,
        },
        "started": timezone.now(),
    }


def get_paths(document):
    return sorted(
        path.removeprefix(PREFIX) for path, item in document["paths"].items() if "get" in item
    )


def url_of(path, values):
    return PREFIX + re.sub(r"\{(\w+)\}", lambda match: str(values[match.group(1)]), path)


def check_against_document(document, path, response):
    """The answer's status is documented and its body fits the schema given for it."""
    operation = document["paths"][PREFIX + path]["get"]
    status = str(response.status_code)
    assert status in operation["responses"], f"GET {path} answered an undocumented {status}"
    if path in NOT_JSON and response.status_code == 200:
        assert not response["Content-Type"].startswith("application/json")
        return
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    body = json.loads(response.content)
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(body)
    ]
    assert not problems, f"GET {path} ({status}) does not match the document: {problems[:5]}"


def test_every_get_endpoint_is_checked(document, world):
    placeholders = {name for path in get_paths(document) for name in re.findall(r"\{(\w+)\}", path)}
    assert placeholders <= set(world["path"]), "give the new path parameter a value in world"


@pytest.mark.parametrize("who", ["admin", "member"])
def test_every_get_answer_matches_the_document(client, document, world, who):
    client.force_login(world[who])
    checked = []
    for path in get_paths(document):
        response = client.get(url_of(path, world["path"]), QUERY.get(path, {}))
        if who == "admin":
            assert response.status_code == 200, f"GET {path}: {response.content[:300]!r}"
        check_against_document(document, path, response)
        checked.append(path)
    assert len(checked) == len(get_paths(document))


def test_every_get_not_found_matches_the_document(client, document, world):
    client.force_login(world["admin"])
    missing = dict.fromkeys(world["path"], 999999) | {"slug": "nowhere", "tag": "nowhere"}
    for path in get_paths(document):
        if "{" not in path or path == "/hashtags/{tag}":  # a tag nobody used: an empty page
            continue
        response = client.get(url_of(path, missing), QUERY.get(path, {}))
        assert 400 <= response.status_code < 500, f"GET {path}: {response.status_code}"
        check_against_document(document, path, response)


def _models_of(annotation, seen):
    """Every pydantic model reachable from a type (through lists, unions and fields)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_of(field.annotation, seen)
        return
    for argument in getattr(annotation, "__args__", ()):
        _models_of(argument, seen)


def test_no_two_schemas_share_a_name():
    seen: set[type[BaseModel]] = set()
    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*(operation.response_models or {}).values(), *operation.models]:
                    _models_of(model, seen)
    by_name: dict[str, set[str]] = {}
    for model in seen:
        # ninja's own wrappers (params, responses) never reach the document's components.
        if model.__module__.startswith("afterclass."):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__name__}")
    assert len(by_name) > 100
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, shared
