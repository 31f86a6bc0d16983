"""Reaction counters on comments, filled from the reactions already given."""

from typing import Any

from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery


def count_reactions(apps: Any, schema_editor: Any) -> None:
    comment_model = apps.get_model("posts", "Comment")
    reaction_model = apps.get_model("posts", "Reaction")

    def counted(only_helped: bool) -> Subquery:
        rows = reaction_model.objects.filter(comment=OuterRef("pk"))
        if only_helped:
            rows = rows.filter(kind="helped")
        return Subquery(
            rows.order_by().values("comment").annotate(n=Count("pk")).values("n")[:1],
            output_field=models.PositiveIntegerField(),
        )

    reacted = comment_model.objects.filter(
        Q(pk__in=reaction_model.objects.filter(comment__isnull=False).values("comment"))
    )
    reacted.update(reaction_count=counted(False))
    reacted.filter(
        pk__in=reaction_model.objects.filter(kind="helped", comment__isnull=False).values("comment")
    ).update(helped_count=counted(True))


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_read_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="helped_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="comment",
            name="reaction_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_reactions, migrations.RunPython.noop),
    ]
