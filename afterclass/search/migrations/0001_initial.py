"""The search index: documents, and the backend's own full-text table (FTS5 on SQLite, a
tsvector with a GIN index on PostgreSQL), made with the SQL of the database in use."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def create_full_text_table(apps, schema_editor):
    from afterclass.search import postgres, sqlite_fts

    vendor = schema_editor.connection.vendor
    statements = {"sqlite": sqlite_fts.CREATE, "postgresql": postgres.CREATE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"Search supports SQLite and PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def drop_full_text_table(apps, schema_editor):
    from afterclass.search import postgres, sqlite_fts

    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": sqlite_fts.DROP, "postgresql": postgres.DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("spaces", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("post", "Post"),
                            ("comment", "Comment"),
                            ("file", "File"),
                            ("person", "Person"),
                            ("space", "Space"),
                        ],
                        max_length=12,
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("discussion", "Discussions"),
                            ("question", "Questions"),
                            ("update", "Updates"),
                            ("image", "Image posts"),
                            ("resource", "Resources"),
                            ("announcement", "Announcements"),
                            ("answer", "Answers"),
                            ("comment", "Comments"),
                            ("file", "Files"),
                            ("person", "People"),
                            ("space", "Spaces"),
                        ],
                        max_length=16,
                    ),
                ),
                ("post_id", models.BigIntegerField(blank=True, null=True)),
                ("title", models.CharField(blank=True, max_length=300)),
                ("body", models.TextField(blank=True)),
                ("is_answered", models.BooleanField(default=False)),
                ("is_accepted", models.BooleanField(default=False)),
                ("helped_count", models.PositiveIntegerField(default=0)),
                ("has_files", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("indexed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "space",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="spaces.space",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["space", "kind"], name="search_doc_space_kind"),
                    models.Index(fields=["post_id"], name="search_doc_post"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "object_id"), name="search_document_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="entry",
                        serialize=False,
                        to="search.searchdocument",
                    ),
                ),
            ],
            options={"db_table": "search_fts", "managed": False},
        ),
        migrations.RunPython(create_full_text_table, drop_full_text_table),
    ]
