"""Every uploaded photo passes here (cases API, Open311, the report and case pages, the
patrols API and its offline app): decoded and verified with Pillow, refused above a pixel
limit or when it carries markup (a polyglot), then re-encoded without any metadata (no
EXIF GPS, no comments, no XMP) with a thumbnail. Only the re-encoded bytes are stored.
"""

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy
from PIL import Image, ImageOps

from wangge.core.errors import ApplicationError

FORMATS = ("JPEG", "PNG", "WEBP")
# The stored copy and its thumbnail: JPEG, longest side at most this many pixels.
STORED_MAX_SIDE = 4096
THUMBNAIL_SIDE = 320
STORED_QUALITY = 85
THUMBNAIL_QUALITY = 80
NOT_AN_IMAGE = gettext_lazy("无法读取该文件：照片只能是 JPEG、PNG 或 WebP 图片")
# Active content a browser would run if the file were ever served as a page. Image data
# never holds these byte runs by chance; metadata (XMP) uses other tags.
MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype)\b|<\?php|javascript:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"
    ext: str = "jpg"


def _max_pixels() -> int:
    return settings.WANGGE_CASE_PHOTO_MAX_PIXELS


def _too_large(limit: int) -> ApplicationError:
    return ApplicationError(
        gettext("图片像素过多（最多 {n:g} 百万像素），请缩小后再上传").format(n=limit / 1_000_000), field="photos"
    )


def _decoded(data: bytes) -> Image.Image:
    """The image, fully decoded, or an ApplicationError; the size is checked from the
    header before any pixel is decoded."""
    limit = _max_pixels()
    try:
        with warnings.catch_warnings():
            # Our own limit decides; Pillow's bomb warning is not an answer to the user.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = probe.size
            if width < 1 or height < 1:
                raise ApplicationError(NOT_AN_IMAGE, field="photos")
            if width * height > limit:
                raise _too_large(limit)
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            image.load()
    except ApplicationError:
        raise
    except Image.DecompressionBombError:
        raise _too_large(limit) from None
    except Exception:  # noqa: BLE001 - any decoder failure means "not a usable image"
        raise ApplicationError(NOT_AN_IMAGE, field="photos") from None
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """RGB (or greyscale) for JPEG: transparency goes onto white."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    image.info = {}  # nothing of the upload's metadata is written back (comments included)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def photo_prepare(data: bytes) -> PreparedPhoto:
    """Verify one uploaded photo and return what is stored: a re-encoded JPEG without
    metadata (turned upright as its EXIF said) and a thumbnail."""
    if MARKUP.search(data):
        raise ApplicationError(gettext("照片中夹带了网页或脚本内容，已拒绝"), field="photos")
    image = _decoded(data)
    try:
        image = _flattened(ImageOps.exif_transpose(image))
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
        stored = _jpeg(image, STORED_QUALITY)
        small = image.copy()
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        thumbnail = _jpeg(small, THUMBNAIL_QUALITY)
    except (OSError, ValueError):
        raise ApplicationError(NOT_AN_IMAGE, field="photos") from None
    return PreparedPhoto(data=stored, thumbnail=thumbnail, width=image.width, height=image.height)
