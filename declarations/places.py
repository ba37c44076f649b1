"""The administrative units (provinces, districts, communes) as an in-memory tree.

The reference data is about 11,000 rows that change only with a new GSO list or an
administrator's correction, so each process reads it once, and again when it has changed; the
form validates and lists places without asking the database, and pages show the places of people
and declarations without joining the place tables (``with_places``).
"""

import gzip
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
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
    instances: dict[str, object] = field(default_factory=dict)

    def add(self, place: Place) -> None:
        self.by_code[place.code] = place
        self.children.setdefault(place.parent_code, []).append(place)

    def get(self, code: str) -> Place | None:
        return self.by_code.get(code or "")

    def name(self, code: str) -> str:
        place = self.get(code)
        return place.name if place else code

    def full_name(self, code: str) -> str:
        """The place with the places above it: "Xã Bản Liền, Huyện Bắc Hà, Tỉnh Lào Cai"."""
        names, place = [], self.get(code)
        while place is not None:
            names.append(place.name)
            place = self.get(place.parent_code) if place.parent_code else None
        return ", ".join(names) or code

    def provinces(self) -> list[Place]:
        return self.children.get("", [])

    def children_of(self, code: str) -> list[Place]:
        return self.children.get(code or "", []) if code else []

    def is_child(self, child_code: str, parent_code: str) -> bool:
        child = self.get(child_code)
        return child is not None and child.parent_code == parent_code

    def instance(self, code: str):
        """The place as a model instance (a district with its province, a commune with its
        district), made when first asked for and kept with the tree: shared, so never to be
        changed or saved. None for a code the tree does not know."""
        if code in self.instances:
            return self.instances[code]
        from declarations.models import Commune, District, Province

        place = self.get(code)
        if place is None:
            return None
        parent = self.get(place.parent_code)
        if parent is None:
            instance = Province(code=code, name=place.name)
        elif not parent.parent_code:
            instance = District(code=code, name=place.name, province=self.instance(parent.code))
        else:
            instance = Commune(code=code, name=place.name, district=self.instance(parent.code))
        instance._state.adding = False  # as if read from the database, which it mirrors
        instance._state.db = "default"
        self.instances[code] = instance
        return instance


VERSION_KEY = "places-version"
PROCESS_SECONDS = 5


class _Kept:
    """The tree this process holds, the version of the reference data it was read at, and when
    that version was last compared with the shared cache's."""

    tree: PlaceTree | None = None
    version: str = ""
    checked_at: float = float("-inf")


_kept = _Kept()


def place_tree() -> PlaceTree:
    """The places, as this process holds them. A change to the reference data (the admin's,
    ``load_places``'s in another process) makes a new version in the shared cache
    (``places_changed``): this process reads the places again at once, the others within
    ``PROCESS_SECONDS``, without a restart. Comparing the versions every few seconds, not at
    each call, keeps the tree free for the pages that ask for it many times."""
    now = time.monotonic()
    if _kept.tree is not None and now - _kept.checked_at < PROCESS_SECONDS:
        return _kept.tree
    version = cache.get(VERSION_KEY)  # before reading the places: the tree is never older
    if version is None:  # none yet, or the shared cache lost it: no change, the kept tree stands
        version = _kept.version or _new_version()
        cache.add(VERSION_KEY, version, None)
    if _kept.tree is None or version != _kept.version:
        _kept.tree, _kept.version = _read_tree(), version
    _kept.checked_at = now
    return _kept.tree


def places_version() -> str:
    """The version of the places this process holds: a key for what is drawn from them."""
    place_tree()
    return _kept.version


def places_changed() -> None:
    """The reference data has changed: this process forgets its tree now and once the change is
    committed (a request may read the old rows meanwhile), and the others within
    ``PROCESS_SECONDS`` of the commit."""

    def new_version():
        cache.set(VERSION_KEY, _new_version(), None)
        _forget_tree()

    _forget_tree()
    transaction.on_commit(new_version)


def _forget_tree() -> None:
    _kept.tree = None


place_tree.cache_clear = _forget_tree  # as a cached function's: the tests forget it so


def _new_version() -> str:
    return uuid.uuid4().hex


def _read_tree() -> PlaceTree:
    from declarations.models import Commune, District, Province

    tree = PlaceTree()
    for code, name in Province.objects.values_list("code", "name"):
        tree.add(Place(code, name))
    for code, name, parent in District.objects.values_list("code", "name", "province_id"):
        tree.add(Place(code, name, parent))
    for code, name, parent in Commune.objects.values_list("code", "name", "district_id"):
        tree.add(Place(code, name, parent))
    return tree


def with_places(objects: Iterable, *fields: str) -> list:
    """The objects, with the places their foreign keys ``fields`` name taken from memory.

    Rows fetched without ``select_related`` on the place tables then show place names without a
    query each: joining the three place tables costs PostgreSQL more to plan than to run (for a
    person's declarations, about 1.7 ms of planning against 0.2 ms of work). A code the tree does
    not know is left alone, and is read from the database if used.
    """
    objects = list(objects)
    if not objects:
        return objects
    tree = place_tree()
    place_fields = [type(objects[0])._meta.get_field(name) for name in fields]
    for obj in objects:
        for place_field in place_fields:
            place = tree.instance(getattr(obj, place_field.attname))
            if place is not None:
                place_field.set_cached_value(obj, place)
    return objects


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
    places_changed()
    return counts
