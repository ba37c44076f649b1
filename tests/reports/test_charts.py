"""The report's charts, drawn on the server as SVG."""

import re

from reports.charts import LABEL_LINES, bars

DISTRICTS = [
    "Thành phố Lai Châu",
    "Huyện Tam Đường",
    "Huyện Mường Tè",
    "Huyện Sìn Hồ",
    "Huyện Phong Thổ",
    "Huyện Than Uyên",
    "Huyện Tân Uyên",
    "Huyện Nậm Nhùn",
    "Ngoài tỉnh hoặc không rõ",
]


def label_lines(svg: str) -> list[list[str]]:
    """Each bar's name, as the lines drawn under it."""
    names = re.findall(r'text-anchor="middle">((?:<tspan[^>]*>[^<]*</tspan>)+)</text>', svg)
    return [re.findall(r"<tspan[^>]*>([^<]*)</tspan>", name) for name in names]


def test_a_long_name_under_a_bar_is_broken_into_lines_that_fit_its_slot():
    """ "Ngoài tỉnh hoặc không rõ" was cut to "Ngoài tỉnh hoặc kh" and ran into its neighbour."""
    svg = bars([(name, 10 + n) for n, name in enumerate(DISTRICTS)], title="Tờ khai theo huyện")
    lines = label_lines(svg)
    assert lines[0] == ["Lai Châu"]
    assert " ".join(lines[-1]) == "Ngoài tỉnh hoặc không rõ"
    assert 1 < len(lines[-1]) <= LABEL_LINES
    slot = (640 - 44 - 12) / len(DISTRICTS)
    assert all(len(line) * 5.6 <= slot for name in lines for line in name)


def test_a_name_too_long_for_three_lines_ends_with_an_ellipsis():
    svg = bars([("Một tên rất rất dài không thể nào vừa ba dòng được", 1)] * 9, title="x")
    [first, *_others] = label_lines(svg)
    assert len(first) == LABEL_LINES and first[-1].endswith("…")


def test_names_are_escaped():
    svg = bars([("<b>Xã</b>", 1)], title="x")
    assert "<b>" not in svg and "&lt;b&gt;Xã&lt;/b&gt;" in svg
