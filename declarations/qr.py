"""QR images, drawn on the server so that the phone makes no extra request for them.

The qrcode library encodes the text (version, error correction, the mask that reads best); the
drawing is one SVG path with a rectangle per run of dark modules in a row. qrcode's own SVG
factory draws one square per module through several objects each: with it, a success page's QR
cost 9–11.5 ms of CPU, three to four times the declaration it confirms; the encoding alone is
about 4.5 ms.
"""

from itertools import groupby

import qrcode
from django.utils.html import format_html

BORDER = 2  # modules of quiet zone around the code (the page's white background)


def qr_svg(text: str, *, label: str) -> str:
    """An inline ``<svg>`` of a QR code holding ``text`` (which the QR encodes, not renders),
    named ``label`` for screen readers. The page's CSS sizes it."""
    matrix = qr_matrix(text)
    size = len(matrix)
    path = "".join(
        f"M{x},{y}h{length}v1h-{length}z"
        for y, row in enumerate(matrix)
        for x, length in dark_runs(row)
    )
    return format_html(
        '<svg class="qr" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">'
        '<path d="{}" fill="#000"/></svg>',
        label,
        size,
        size,
        path,
    )


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code for ``text``, quiet zone included: True is dark."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def dark_runs(row: list[bool]):
    """(start, length) of each run of dark modules in a row."""
    start = 0
    for dark, modules in groupby(row):
        length = len(list(modules))
        if dark:
            yield start, length
        start += length
