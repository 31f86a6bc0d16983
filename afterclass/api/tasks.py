"""Background work of the API: forgetting Idempotency-Keys once they have expired."""

from django.tasks import task

from afterclass.api.idempotency import prune_expired_keys


@task()
def prune_idempotency_keys() -> int:
    """Delete the Idempotency-Keys older than a day (run it hourly or daily)."""
    return prune_expired_keys()
