"""QR codes drawn here as inline SVG with segno: no outside service sees what they encode."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, scale: int = 5, title: str = "") -> SafeString:
    """`text` (an otpauth or check-in URL the app built) as an inline `<svg>` element."""
    svg = segno.make(text, error="m").svg_inline(scale=scale, title=str(title) or None)
    return mark_safe(svg)  # noqa: S308 — segno's own SVG of a text we built
