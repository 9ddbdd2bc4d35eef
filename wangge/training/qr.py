"""The class's QR code: it encodes the check-in page's absolute URL (segno, inline SVG)."""

import io

import segno
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def check_in_url(request, training_class) -> str:
    return request.build_absolute_uri(reverse("training:check_in", args=[training_class.token]))


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True,
                                    title=str(_("签到二维码")), nl=False)
    return mark_safe(buffer.getvalue().decode())  # noqa: S308 — segno's own SVG of a URL we built
