"""QR images, drawn on the server so that the phone makes no extra request for them."""

import re

import qrcode
import qrcode.image.svg
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def qr_svg(text: str, *, label: str) -> str:
    """An inline ``<svg>`` of a QR code holding ``text`` (which the QR encodes, not renders),
    named ``label`` for screen readers."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg") :]
    # Drop the fixed size in millimetres: the page's CSS sizes the code for the screen.
    opening = format_html('<svg class="qr" role="img" aria-label="{}"', label)
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', lambda _: opening, svg)
    return mark_safe(svg)  # noqa: S308 - drawn by qrcode from a URL; the label is escaped
