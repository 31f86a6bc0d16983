"""Run in a restored site (`python -m afterclass.core.tests.restored_site`, the site's
environment set): given on stdin the writes that were acknowledged before a backup, print
(as JSON) every way the restored site falls short of them."""

import hashlib
import json
import sys


def check(expected: dict) -> list[str]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from afterclass.attachments.models import Attachment
    from afterclass.attachments.views import file_url
    from afterclass.people.models import Person
    from afterclass.posts.models import Comment, Post
    from afterclass.search.engine import SearchFilters, search

    problems = []
    reader = Person.objects.get(pk=expected["reader"])

    def found(word: str, source: str, object_id: int) -> bool:
        hits = search(reader, SearchFilters(q=word)).hits
        return any((h.document.source, h.document.object_id) == (source, object_id) for h in hits)

    titles = dict(Post.objects.values_list("pk", "title"))
    for post in expected["posts"]:
        if titles.get(post["id"]) != post["title"]:
            problems.append(f"post {post['id']} is missing")
        elif not found(post["word"], "post", post["id"]):
            problems.append(f"post {post['id']} is not found by searching {post['word']}")
    bodies = dict(Comment.objects.values_list("pk", "body"))
    for comment in expected["comments"]:
        if comment["word"] not in bodies.get(comment["id"], ""):
            problems.append(f"comment {comment['id']} is missing")
        elif not found(comment["word"], "comment", comment["id"]):
            problems.append(f"comment {comment['id']} is not found by searching")

    # Every file of every post restored (acknowledged or not) downloads whole.
    client = Client()
    client.force_login(reader)
    downloaded = {}
    for attachment in Attachment.objects.filter(post__isnull=False):
        response = client.get(file_url(attachment))
        if response.status_code != 200:
            problems.append(f"file {attachment.pk} answers {response.status_code}")
            continue
        body = b"".join(response.streaming_content)
        downloaded[attachment.pk] = hashlib.sha256(body).hexdigest()
    for item in expected["files"]:
        if downloaded.get(item["id"]) != item["sha256"]:
            problems.append(f"file {item['id']} does not download with its content")

    # One moment's database: each post's comment counter agrees with its comments.
    for post in Post.objects.annotate(written=Count("comments")):
        if post.comment_count != post.written:
            problems.append(f"post {post.pk} counts {post.comment_count} of {post.written}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            if cursor.fetchall() != [("ok",)]:
                problems.append("the database fails SQLite's integrity check")
            cursor.execute("PRAGMA foreign_key_check")
            if cursor.fetchall():
                problems.append("the database has rows whose foreign keys point nowhere")
    return problems


def main() -> None:
    import django

    django.setup()
    expected = json.load(sys.stdin)
    print(json.dumps({"problems": check(expected)}))


if __name__ == "__main__":
    main()
