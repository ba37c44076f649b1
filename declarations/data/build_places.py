"""Generate ``places_2021-02-03.json.gz``: every province, district and commune of Vietnam.

Why: the app needs the General Statistics Office (GSO) list of administrative units of
2021-02-03 as reference data, without a run-time dependency. The PyPI package
``vietnam-provinces==0.4.3`` carries that list, so this script (its only user) turns it into a
small, byte-for-byte reproducible gzipped JSON file that is committed next to it.

Run from the repository root, with the package in a throwaway virtualenv (never in .venv):

    python3 -m venv /tmp/vnp && /tmp/vnp/bin/pip install vietnam-provinces==0.4.3 \
        && /tmp/vnp/bin/python declarations/data/build_places.py

Add ``--check PATH_TO_CSV`` to compare codes, names and parent links with the GSO CSV export
(columns: Tỉnh Thành Phố, Mã TP, Quận Huyện, Mã QH, Phường Xã, Mã PX, Cấp, Tên Tiếng Anh) and
print every difference; the exit status is 1 if there is any.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from pathlib import Path

from vietnam_provinces.enums import DistrictEnum, ProvinceEnum
from vietnam_provinces.enums.wards import WardEnum

SOURCE = "GSO administrative units 2021-02-03 via vietnam-provinces 0.4.3"
OUTPUT = Path(__file__).with_name("places_2021-02-03.json.gz")
LEVELS = ("provinces", "districts", "communes")

Row = list[str]  # [code, name] for provinces, [code, name, parent_code] below them
Places = dict[str, list[Row]]


def from_package() -> Places:
    """Read the three levels from the package, codes zero-padded as in the GSO list."""
    provinces = [[f"{p.value.code:02d}", p.value.name] for p in ProvinceEnum]
    districts = [
        [f"{d.value.code:03d}", d.value.name, f"{d.value.province_code:02d}"] for d in DistrictEnum
    ]
    communes = [
        [f"{w.value.code:05d}", w.value.name, f"{w.value.district_code:03d}"] for w in WardEnum
    ]
    return {"provinces": provinces, "districts": districts, "communes": communes}


def sorted_places(places: Places) -> Places:
    return {level: sorted(places[level]) for level in LEVELS}


def expect(what: str, actual: int, expected: int) -> None:
    if actual != expected:
        raise SystemExit(f"expected {expected} {what}, found {actual}")


def check_counts(places: Places) -> None:
    """Fail unless the counts match the GSO list of 2021-02-03."""
    for level, count in zip(LEVELS, (63, 705, 10_603), strict=True):
        expect(level, len(places[level]), count)
    lai_chau = {code for code, _, parent in places["districts"] if parent == "12"}
    expect("districts in Lai Châu", len(lai_chau), 8)
    communes = [code for code, _, parent in places["communes"] if parent in lai_chau]
    expect("communes in Lai Châu", len(communes), 106)


def from_csv(path: Path) -> Places:
    """Read the GSO CSV; districts without communes appear once with an empty "Mã PX"."""
    levels: dict[str, dict[str, Row]] = {level: {} for level in LEVELS}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            levels["provinces"][r["Mã TP"]] = [r["Mã TP"], r["Tỉnh Thành Phố"]]
            levels["districts"][r["Mã QH"]] = [r["Mã QH"], r["Quận Huyện"], r["Mã TP"]]
            if r["Mã PX"]:
                levels["communes"][r["Mã PX"]] = [r["Mã PX"], r["Phường Xã"], r["Mã QH"]]
    return {level: sorted(rows.values()) for level, rows in levels.items()}


def comparable(row: Row) -> Row:
    """The GSO CSV has a few doubled or trailing spaces and "Thị Xã" capitals; the package tidies
    them (35 names). Compare names with spaces collapsed and case folded."""
    return [row[0], " ".join(row[1].split()).casefold(), *row[2:]]


def differences(ours: Places, theirs: Places) -> list[str]:
    """Describe every row that is missing from, extra to, or different in ``ours``."""
    lines = []
    for level in LEVELS:
        mine = {row[0]: comparable(row) for row in ours[level]}
        gso = {row[0]: comparable(row) for row in theirs[level]}
        for code in sorted(mine.keys() | gso.keys()):
            if mine.get(code) != gso.get(code):
                lines.append(f"{level} {code}: ours={mine.get(code)!r} csv={gso.get(code)!r}")
    return lines


def write(places: Places, path: Path) -> None:
    data = json.dumps(
        {"source": SOURCE, **places}, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    path.write_bytes(gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, metavar="PATH_TO_CSV", help="GSO CSV to compare")
    args = parser.parse_args()
    places = sorted_places(from_package())
    check_counts(places)
    write(places, OUTPUT)
    counts = ", ".join(f"{len(places[level])} {level}" for level in LEVELS)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes): {counts}")
    if args.check is None:
        return 0
    diff = differences(places, from_csv(args.check))
    print("\n".join(diff) or f"--check: identical to {args.check}")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
