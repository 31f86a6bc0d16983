"""Background work for files: pruning uploads that no post took, and files no row refers to."""

from datetime import timedelta

from django.tasks import task

from afterclass.attachments.actions import UNATTACHED_LIFETIME, do_prune_unattached_uploads
from afterclass.attachments.orphans import ORPHAN_AGE, remove_orphan_media

DEFAULT_HOURS = int(UNATTACHED_LIFETIME.total_seconds() // 3600)
ORPHAN_HOURS = int(ORPHAN_AGE.total_seconds() // 3600)


@task()
def prune_unattached_uploads(hours: int = DEFAULT_HOURS) -> int:
    """Delete uploads never attached to a post and older than `hours`; returns how many."""
    return do_prune_unattached_uploads(timedelta(hours=hours))


@task()
def prune_orphan_media(hours: int = ORPHAN_HOURS) -> int:
    """Delete media files that no row refers to and older than `hours` (a day by default; run
    it daily); returns how many."""
    return len(remove_orphan_media(timedelta(hours=hours)).names)
