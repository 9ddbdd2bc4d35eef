"""Periodic work of red property (Celery beat)."""

from celery import shared_task

from wangge.property.services import link_property_cases


@shared_task(name="property.link_cases")
def link_cases() -> int:
    """Store the estate (and its company) of newly reported property cases."""
    return link_property_cases()
