"""Attachments API: uploading, fetching a file one may see, and posts that use uploads."""

import json

import pytest

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import (
    make_upload,
    pdf_bytes,
    picture_bytes,
    stored_files,
    upload_file,
)
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db

CANARY = "canary-93ab-secret-api-file"


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def upload(client, person: Person | None, name: str, content: bytes):
    auth = bearer(person) if person is not None else {}
    return client.post("/api/v1/attachments", {"file": upload_file(name, content)}, **auth)


def test_upload_returns_an_id_and_the_file_s_facts(client, member):
    response = upload(client, member, "reading.pdf", pdf_bytes())
    assert response.status_code == 201
    data = response.json()
    attachment = Attachment.objects.get()
    assert data["id"] == attachment.pk
    assert data["name"] == "reading.pdf"
    assert data["content_type"] == "application/pdf"
    assert data["size"] == len(pdf_bytes())
    assert data["attached"] is False
    assert data["url"] == f"/attachments/{attachment.pk}/reading.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.png", b"<!doctype html><script>alert(1)</script>", "content is HTML, not PNG"),
        ("icon.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "SVG"),
        ("empty.pdf", b"", "empty"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "damaged"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 60, "cannot be shared here"),
    ],
)
def test_upload_refusals_store_nothing(client, member, name, content, message):
    response = upload(client, member, name, content)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert response.json()["field"] == "file"
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_upload_refuses_over_the_limit(client, member, settings):
    settings.AFTERCLASS_MAX_UPLOAD_MB = 1
    response = upload(client, member, "big.pdf", pdf_bytes() + b"0" * 1024 * 1024)
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.json()["detail"]
    assert stored_files() == []


def test_upload_cuts_folders_from_the_name(client, member):
    response = upload(client, member, "../../etc/passwd.pdf", pdf_bytes())
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    assert ".." not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")


def test_upload_needs_a_file_and_a_person(client, member):
    assert upload(client, None, "a.pdf", pdf_bytes()).status_code == 401
    response = client.post("/api/v1/attachments", {}, **bearer(member))
    assert response.status_code == 422
    assert not Attachment.objects.exists()


def test_get_attachment_is_permission_checked(client, secret_space, owner, member, outsider):
    pdf = make_upload(owner, f"{CANARY}.pdf", pdf_bytes(CANARY))
    make_post(secret_space, owner, kind="resource", title="Notes", attachments=[pdf.pk])
    url = f"/api/v1/attachments/{pdf.pk}"
    for person in (member, outsider):
        response = client.get(url, **bearer(person))
        assert response.status_code == 404
        assert CANARY not in response.content.decode()
        assert response.json() == {
            "detail": "There is no such file, or you cannot see it.",
            "field": None,
            "errors": [],
        }
    assert client.get(url).status_code == 401
    response = client.get(url, **bearer(owner))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert CANARY.encode() in b"".join(response.streaming_content)
    assert client.get("/api/v1/attachments/999999", **bearer(owner)).status_code == 404


def test_create_image_post_with_uploads_lists_them_in_the_json(client, board, member):
    ids = [upload(client, member, f"p{n}.png", picture_bytes()).json()["id"] for n in range(2)]
    response = client.post(
        f"/api/v1/spaces/{board.slug}/posts",
        json.dumps({"kind": "image", "body": "Site", "attachments": ids,
                    "alt_texts": ["A crane", "A digger"]}),
        content_type="application/json",
        **bearer(member),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert [a["id"] for a in data["attachments"]] == ids
    assert [a["alt_text"] for a in data["attachments"]] == ["A crane", "A digger"]
    assert data["attachments"][0]["thumbnail_url"] == f"/attachments/{ids[0]}/thumbnail/"
    assert data["attachments"][0]["attached"] is True
    feed = client.get(f"/api/v1/spaces/{board.slug}/posts", **bearer(member)).json()
    assert [a["id"] for a in feed["items"][0]["attachments"]] == ids


def test_create_post_refuses_missing_alt_text_and_changes_nothing(client, board, member):
    picture = upload(client, member, "p.png", picture_bytes()).json()["id"]
    response = client.post(
        f"/api/v1/spaces/{board.slug}/posts",
        json.dumps({"kind": "image", "attachments": [picture]}),
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "alt_texts"
    assert not Post.objects.exists()
    assert Attachment.objects.get().post is None


def test_create_resource_with_a_file_and_no_link(client, course, member):
    pdf = upload(client, member, "reading.pdf", pdf_bytes()).json()["id"]
    response = client.post(
        f"/api/v1/spaces/{course.slug}/posts",
        json.dumps({"kind": "resource", "title": "Reading", "attachments": [pdf]}),
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 201
    assert response.json()["attachments"][0]["name"] == "reading.pdf"


# --- Editing a post's files -----------------------------------------------------------------


def edit(client, person, post_id, data):
    return client.patch(
        f"/api/v1/posts/{post_id}", json.dumps(data), content_type="application/json",
        **bearer(person),
    )  # fmt: skip


def check_patch_answer(client, response):
    """The answer fits the schema the OpenAPI document gives for its status."""
    from jsonschema import Draft202012Validator

    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/posts/{post_id}"]["patch"]
    status = str(response.status_code)
    assert status in operation["responses"]
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    problems = [error.message for error in validator.iter_errors(response.json())]
    assert not problems


def image_post(board, member):
    uploads = [make_upload(member, f"p{n}.png").pk for n in range(2)]
    return make_post(board, member, kind="image", attachments=uploads,
                     alt_texts=["A crane", "A digger"])  # fmt: skip


def test_edit_post_files_and_text_through_the_api(client, board, member):
    post = image_post(board, member)
    first, second = post.attachments.order_by("position")
    new = upload(client, member, "new.png", picture_bytes()).json()["id"]
    response = edit(client, member, post.pk, {
        "body": "New text", "attachments": [new, second.pk],
        "alt_texts": ["A new view", "The digger again"],
    })  # fmt: skip
    assert response.status_code == 200, response.content
    check_patch_answer(client, response)
    data = response.json()
    assert [a["id"] for a in data["attachments"]] == [new, second.pk]
    assert [a["alt_text"] for a in data["attachments"]] == ["A new view", "The digger again"]
    assert data["body_html"] == "<p>New text</p>\n"
    assert not Attachment.objects.filter(pk=first.pk).exists()


def test_edit_post_text_only_through_the_api_keeps_the_files(client, board, member):
    post = image_post(board, member)
    before = list(post.attachments.order_by("position").values_list("pk", "alt_text"))
    response = edit(client, member, post.pk, {"body": "Just words"})
    assert response.status_code == 200
    assert list(post.attachments.order_by("position").values_list("pk", "alt_text")) == before


def test_edit_resource_swaps_its_link_for_a_file_through_the_api(client, course, member):
    post = make_post(course, member, kind="resource", title="Reading",
                     link_url="https://example.org/r")  # fmt: skip
    pdf = upload(client, member, "reading.pdf", pdf_bytes()).json()["id"]
    response = edit(client, member, post.pk, {"link_url": "", "attachments": [pdf]})
    assert response.status_code == 200, response.content
    assert response.json()["link_url"] == ""
    assert [a["name"] for a in response.json()["attachments"]] == ["reading.pdf"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ("none", "attachments", "needs at least one picture"),
        ("no_alt", "alt_texts", "Describe picture 2"),
        ("more_alt", "alt_texts", "more alt texts than files"),
        ("theirs", "attachments", "no upload of yours"),
        ("twice", "attachments", "attached twice"),
        ("document", "attachments", "is not a picture"),
        ("alt_only", "alt_texts", "with `attachments`"),
    ],
)
def test_edit_post_files_refusals_through_the_api_change_nothing(
    client, board, member, owner, change, field, message
):
    post = image_post(board, member)
    first, second = [a.pk for a in post.attachments.order_by("position")]
    data = {
        "none": {"attachments": []},
        "no_alt": {"attachments": [first, second], "alt_texts": ["A crane"]},
        "more_alt": {"attachments": [first], "alt_texts": ["A crane", "A digger"]},
        "theirs": {"attachments": [first, make_upload(owner).pk], "alt_texts": ["a", "b"]},
        "twice": {"attachments": [first, first], "alt_texts": ["a", "b"]},
        "document": {
            "attachments": [first, make_upload(member, "a.pdf", pdf_bytes()).pk],
            "alt_texts": ["a", ""],
        },
        "alt_only": {"alt_texts": ["a", "b"]},
    }[change]
    before = list(post.attachments.order_by("position").values_list("pk", "alt_text"))
    response = edit(client, member, post.pk, {"body": "A valid new text", **data})
    assert response.status_code == 400
    check_patch_answer(client, response)
    assert response.json()["field"] == field
    assert message in response.json()["detail"]
    post.refresh_from_db()
    assert post.body != "A valid new text"
    assert post.edited_at is None
    assert list(post.attachments.order_by("position").values_list("pk", "alt_text")) == before


def test_edit_post_files_through_the_api_refuses_too_many_ids(client, board, member):
    post = image_post(board, member)
    response = edit(client, member, post.pk, {"attachments": list(range(1, 12))})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attachments"
    assert post.attachments.count() == 2


def test_edit_other_kinds_take_no_files_through_the_api(client, course, member):
    post = make_post(course, member, title="Plain")
    pdf = upload(client, member, "a.pdf", pdf_bytes()).json()["id"]
    response = edit(client, member, post.pk, {"attachments": [pdf]})
    assert response.status_code == 400
    assert response.json()["field"] == "attachments"
    assert Attachment.objects.get().post is None
