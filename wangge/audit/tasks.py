"""Periodic work of the audit log: link new rows into the hash chain, seal each day."""

from celery import shared_task

from wangge.audit.chain import chain_extend, seal_day


@shared_task(name="audit.chain_extend", ignore_result=True)
def audit_chain_extend() -> int:
    return chain_extend()


@shared_task(name="audit.seal_day", ignore_result=True)
def audit_seal_day() -> str:
    return seal_day().final_hash
