"""The success page's and the posters' QR codes: one SVG path that covers exactly the dark modules
of the code qrcode makes (declarations.qr)."""

import re

import qrcode

from declarations.qr import BORDER, dark_runs, qr_matrix, qr_svg

LINK = "https://truyvet.laichau.gov.vn/c/Z8AX9EFN/"


def drawn_cells(svg: str) -> set[tuple[int, int]]:
    """The modules the path paints: each piece is M{x},{y}h{length}v1h-{length}z."""
    cells = set()
    for x, y, length, back in re.findall(r"M(\d+),(\d+)h(\d+)v1h-(\d+)z", svg):
        assert back == length
        cells |= {(int(x) + i, int(y)) for i in range(int(length))}
    return cells


def test_the_path_paints_exactly_the_dark_modules_of_the_code():
    svg = qr_svg(LINK, label="Mã QR")
    matrix = qr_matrix(LINK)
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    assert drawn_cells(svg) == dark
    size = len(matrix)
    assert f'viewBox="0 0 {size} {size}"' in svg


def test_the_code_is_the_one_qrcode_makes_with_a_quiet_zone():
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER)
    code.add_data(LINK)
    code.make(fit=True)
    matrix = qr_matrix(LINK)
    assert matrix == code.get_matrix()
    assert not any(matrix[0]) and not any(row[0] for row in matrix)  # the quiet zone is light
    assert code.version == 3 and len(matrix) == 4 * 3 + 17 + 2 * BORDER


def test_runs_of_dark_modules():
    assert list(dark_runs([False, True, True, False, True])) == [(1, 2), (4, 1)]
    assert list(dark_runs([True, True, True])) == [(0, 3)]
    assert list(dark_runs([False, False])) == []


def test_the_label_is_escaped_and_names_the_image():
    svg = qr_svg(LINK, label='Mã "QR" <b>')
    assert svg.startswith('<svg class="qr" role="img" aria-label="Mã &quot;QR&quot; &lt;b&gt;"')
    assert "<b>" not in svg
