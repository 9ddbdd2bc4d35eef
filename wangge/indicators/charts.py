"""Charts of the monthly briefing drawn on the server: inline SVG for the page (prints as
vectors, needs no script under the CSP) and PNG for the Word document (Pillow)."""

import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wangge.indicators.templatetags.indicator_tags import figure

BAR = "#1f6feb"
BAR_LOW = "#d1242f"
# CJK fonts Pillow may use for labels; without one the PNG numbers its bars instead.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@dataclass
class Chart:
    title: str
    unit: str
    decimals: int
    bars: list[tuple[str, float | None]]

    @property
    def drawn(self) -> list[tuple[str, float]]:
        return [(label, value) for label, value in self.bars if value is not None]


def chart_svg(chart: Chart, *, width: int = 640, row: int = 22) -> SafeString:
    """Horizontal bars, one per label, the value at the end of each bar."""
    bars = chart.drawn
    top = max((value for _, value in bars), default=0) or 1
    longest = max((len(label) for label, _ in bars), default=4)
    label_w, value_w = min(260, 13 * longest + 12), 70
    span = width - label_w - value_w
    height = row * len(bars) + 8
    parts = [
        f'<svg class="briefing-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(chart.title)}">'
    ]
    for index, (label, value) in enumerate(bars):
        y = index * row + 4
        length = max(1.0, span * max(value, 0) / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" '
            f'font-size="12" fill="#1f2328">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BAR}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + row * 0.65:.1f}" font-size="12" '
            f'fill="#1f2328">{escape(figure(value, chart.decimals))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _font(size: int):
    from PIL import ImageFont

    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size), True
            except OSError:
                continue
    return ImageFont.load_default(), False


def chart_png(chart: Chart, *, width: int = 1200, row: int = 44) -> bytes:
    """The same bars as a PNG (2× scale for print)."""
    from PIL import Image, ImageDraw

    bars = chart.drawn
    font, has_cjk = _font(22)
    top = max((value for _, value in bars), default=0) or 1
    longest = max((len(label) for label, _ in bars), default=4)
    label_w, value_w = min(520, 24 * longest + 24), 140
    span = width - label_w - value_w
    image = Image.new("RGB", (width, row * max(len(bars), 1) + 16), "white")
    draw = ImageDraw.Draw(image)
    for index, (label, value) in enumerate(bars):
        y = index * row + 8
        text = label if has_cjk else str(index + 1)
        draw.text((label_w - 12, y + row // 2), text, fill="#1f2328", font=font, anchor="rm")
        length = max(2, int(span * max(value, 0) / top))
        draw.rectangle([label_w, y + 8, label_w + length, y + row - 8], fill=BAR)
        draw.text(
            (label_w + length + 8, y + row // 2),
            figure(value, chart.decimals),
            fill="#1f2328",
            font=font,
            anchor="lm",
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
