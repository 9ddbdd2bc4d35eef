"""Re-encode photos stored before uploads were decoded (no thumbnail yet): the stored file
is replaced by a clean copy without metadata and a thumbnail is added; a file that is not
a usable image is reported and left for an administrator to look at."""

import uuid

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand

from wangge.cases.models import Attachment
from wangge.cases.photos import photo_prepare
from wangge.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Re-encode photos stored before verification (strips EXIF/GPS, adds thumbnails)."

    def handle(self, *args, **options):
        done = refused = 0
        for attachment in Attachment.objects.filter(thumbnail="").iterator():
            try:
                with attachment.file.open("rb") as handle:
                    photo = photo_prepare(handle.read())
            except (ApplicationError, FileNotFoundError) as exc:
                refused += 1
                self.stderr.write(f"照片 {attachment.pk}：{getattr(exc, 'message', exc)}")
                continue
            old = attachment.file.name
            name = uuid.uuid4().hex
            attachment.file.save(f"{name}.{photo.ext}", ContentFile(photo.data), save=False)
            attachment.thumbnail.save(f"{name}.thumb.jpg", ContentFile(photo.thumbnail), save=False)
            attachment.content_type = photo.content_type
            attachment.size = len(photo.data)
            attachment.width, attachment.height = photo.width, photo.height
            attachment.save()
            attachment.file.storage.delete(old)
            done += 1
        self.stdout.write(f"已重新编码 {done} 张照片，{refused} 张无法识别")
