from celery import shared_task


@shared_task(name="core.ping", ignore_result=False)
def ping() -> str:
    """Health check of the broker and the workers (and used by the Redis round-trip test)."""
    return "pong"
