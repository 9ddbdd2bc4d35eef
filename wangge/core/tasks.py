from celery import shared_task


@shared_task(name="core.ping", ignore_result=False)
def ping() -> str:
    """Health check of the broker and the workers (and used by the Redis round-trip test)."""
    return "pong"


@shared_task(name="core.purge_idempotency_records")
def purge_idempotency_records() -> int:
    from wangge.core.idempotency import idempotency_records_purge

    return idempotency_records_purge()
