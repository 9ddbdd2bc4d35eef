"""What Celery beat runs for notices, once (cron without beat, the demo after its history)."""

from django.core.management.base import BaseCommand

from wangge.notifications.models import ScanCursor
from wangge.notifications.services import notices_scan_deadlines, notices_scan_events, outbox_sweep


class Command(BaseCommand):
    help = "Write notices for new timeline events and deadlines, and queue due outbox rows."

    def handle(self, *args, **options):
        events = 0
        while True:  # catch up in batches, until no cursor moves
            before = dict(ScanCursor.objects.values_list("name", "position"))
            events += notices_scan_events()
            if dict(ScanCursor.objects.values_list("name", "position")) == before:
                break
        deadlines = notices_scan_deadlines()
        queued = outbox_sweep()
        self.stdout.write(f"通知：事件 {events} 条，时限 {deadlines} 条；重新排队发送 {queued} 条")
