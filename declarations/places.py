"""The administrative units (provinces, districts, communes) as an in-memory tree.

The reference data is about 11,000 rows that change only with a new GSO list, so each process
reads it once; the form validates and lists places without asking the database.
"""

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

DATA_FILE = Path(__file__).parent / "data" / "places_2021-02-03.json.gz"


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    parent_code: str = ""


@dataclass
class PlaceTree:
    by_code: dict[str, Place] = field(default_factory=dict)
    children: dict[str, list[Place]] = field(default_factory=dict)

    def add(self, place: Place) -> None:
        self.by_code[place.code] = place
        self.children.setdefault(place.parent_code, []).append(place)

    def get(self, code: str) -> Place | None:
        return self.by_code.get(code or "")

    def name(self, code: str) -> str:
        place = self.get(code)
        return place.name if place else code

    def provinces(self) -> list[Place]:
        return self.children.get("", [])

    def children_of(self, code: str) -> list[Place]:
        return self.children.get(code or "", []) if code else []

    def is_child(self, child_code: str, parent_code: str) -> bool:
        child = self.get(child_code)
        return child is not None and child.parent_code == parent_code


@lru_cache(maxsize=1)
def place_tree() -> PlaceTree:
    from declarations.models import Commune, District, Province

    tree = PlaceTree()
    for code, name in Province.objects.values_list("code", "name"):
        tree.add(Place(code, name))
    for code, name, parent in District.objects.values_list("code", "name", "province_id"):
        tree.add(Place(code, name, parent))
    for code, name, parent in Commune.objects.values_list("code", "name", "district_id"):
        tree.add(Place(code, name, parent))
    return tree


def served_province_code() -> str:
    return settings.PROVINCE_CODE


def served_province_name() -> str:
    return place_tree().name(settings.PROVINCE_CODE)


def read_data_file(path: Path = DATA_FILE) -> dict[str, list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


@transaction.atomic
def places_load(*, path: Path = DATA_FILE) -> dict[str, int]:
    """Insert or update every unit from the shipped file; running it twice changes nothing."""
    from declarations.models import Commune, District, Province

    data = read_data_file(path)
    levels = [
        (Province, data["provinces"], lambda r: Province(code=r[0], name=r[1]), ["name"]),
        (
            District,
            data["districts"],
            lambda r: District(code=r[0], name=r[1], province_id=r[2]),
            ["name", "province"],
        ),
        (
            Commune,
            data["communes"],
            lambda r: Commune(code=r[0], name=r[1], district_id=r[2]),
            ["name", "district"],
        ),
    ]
    counts = {}
    for model, rows, build, fields in levels:
        model.objects.bulk_create(
            [build(row) for row in rows],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )
        counts[model._meta.verbose_name_plural] = model.objects.count()
    place_tree.cache_clear()
    return counts
