"""Background work for files: pruning uploads that no post took."""

from datetime import timedelta

from django.tasks import task

from afterclass.attachments.actions import UNATTACHED_LIFETIME, do_prune_unattached_uploads

DEFAULT_HOURS = int(UNATTACHED_LIFETIME.total_seconds() // 3600)


@task()
def prune_unattached_uploads(hours: int = DEFAULT_HOURS) -> int:
    """Delete uploads never attached to a post and older than `hours`; returns how many."""
    return do_prune_unattached_uploads(timedelta(hours=hours))
