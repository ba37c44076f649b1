"""Synthetic bus companies and their coaches, for a development site.

``SyntheticFleet`` draws companies and vehicles from one ``random.Random(seed)`` and the place
tree: companies (nhà xe, xe khách, hợp tác xã vận tải) based in the towns of the served province,
coaches with the province's plates, their seats and usual routes. ``synthetic_fleet_load`` saves
each vehicle on its own, so that ``Vehicle.save`` gives it its declaration point (QR poster) as
the admin does; a few hundred vehicles take well under a second.
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from declarations.places import PlaceTree
from declarations.synthetic import ORIGIN_WEIGHTS, PLATE_CODES, STREETS, Weighted
from transport.models import BusCompany, Vehicle

# fmt: off
# The names coach companies give themselves: a wish for prosperity, or a founder's name.
COMPANY_NAMES = [
    "Hưng Thành", "Sơn Hà", "Thành Công", "Minh Phương", "Tuấn Anh", "Hải Linh", "Bình Minh",
    "Phúc Lộc", "Thanh Bình", "Đức Anh", "Tiến Đạt", "Việt Hùng", "An Phát", "Hồng Phát",
    "Quang Vinh", "Trung Kiên", "Thắng Lợi", "Tây Bắc", "Hoàng Hà", "Ngọc Sơn", "Đức Thịnh",
    "Vân Anh", "Thái Dương", "Kim Long",
]
# fmt: on
COMPANY_KINDS = Weighted({"Nhà xe": 5, "Xe khách": 3, "Công ty TNHH Vận tải": 1})
COOPERATIVE_SHARE = 0.25  # of companies: a district's transport cooperative (HTX Vận tải …)
AREA_CODES = {"12": "0213", "10": "0214", "11": "0215", "14": "0212", "15": "0216"}
LANDLINE_SHARE = 0.6  # of companies with a landline (else the owner's mobile)
MOBILE_PREFIXES = ["096", "097", "098", "086", "091", "094", "088", "083", "090", "093"]
SEATS = Weighted({16: 15, 29: 25, 35: 10, 40: 30, 45: 20})  # 40 and 45: sleeper coaches
LONG_SEATS = 35  # coaches with at least this many seats run the long routes
TOWN_ROUTE_SHARE = 0.3  # of long routes: from a district town rather than the province's capital
PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Thị xã ", "Quận ", "Thị trấn ")


def short_name(name: str) -> str:
    """A place's name as a route or a company says it: ``Huyện Than Uyên`` -> ``Than Uyên``."""
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


class SyntheticFleet:
    """Draws bus companies and their vehicles; reads nothing from the database.

    ``taken_names`` and ``taken_plates`` are those already in use, never drawn again.
    """

    def __init__(
        self,
        *,
        tree: PlaceTree,
        province_code: str,
        companies: int,
        vehicles: int,
        seed: int | None = None,
        taken_names: Iterable[str] = (),
        taken_plates: Iterable[str] = (),
    ):
        if companies < 1 and vehicles > 0:
            raise ValueError("Vehicles need at least one company.")
        districts = tree.children_of(province_code)
        if not districts:
            raise ValueError(f"No districts for province {province_code}: load the places.")
        self.tree = tree
        self.province_code = province_code
        self.rng = random.Random(seed)
        self.companies = companies
        self.vehicles = vehicles
        self.taken_names = set(taken_names)
        self.taken_plates = set(taken_plates)
        self.province = short_name(tree.name(province_code))
        self.districts = [short_name(district.name) for district in districts]
        # Districts other than the capital, as the far ends of the province's own routes.
        self.towns_afar = [name for name in self.districts if name != self.province]
        # Companies are based in the towns: wards (phường) and townships (thị trấn).
        communes = [commune for d in districts for commune in tree.children_of(d.code)]
        towns = [c for c in communes if c.name.startswith(("Phường", "Thị trấn"))]
        self.towns = towns or communes
        self.destinations = Weighted(
            {
                short_name(tree.name(code)): weight
                for code, weight in ORIGIN_WEIGHTS.items()
                if tree.get(code) and code != province_code
            }
        )
        self.plate_code = PLATE_CODES.get(province_code, ("25",))[0]

    # -- companies -------------------------------------------------------------------------------

    def draw_companies(self) -> list[BusCompany]:
        names = self._company_names()
        return [
            BusCompany(name=name, phone=self._phone(), address=self._address()) for name in names
        ]

    def _company_names(self) -> list[str]:
        rng = self.rng
        names = []
        for base in rng.sample(COMPANY_NAMES, len(COMPANY_NAMES)):
            if rng.random() < COOPERATIVE_SHARE:
                names.append(f"HTX Vận tải {rng.choice(self.districts)}")
            names.append(f"{COMPANY_KINDS.draw(rng)} {base}")
        names = list(dict.fromkeys(names))
        chosen = [name for name in names if name not in self.taken_names]
        number = 2
        while len(chosen) < self.companies:  # more companies than names: number them
            chosen += [f"{name} {number}" for name in names]
            chosen = [name for name in chosen if name not in self.taken_names]
            number += 1
        return chosen[: self.companies]

    def _phone(self) -> str:
        """A landline written ``0213 3876 543``, or a mobile written ``0912 345 678``."""
        rng = self.rng
        area = AREA_CODES.get(self.province_code)
        if area and rng.random() < LANDLINE_SHARE:
            return f"{area} 3{rng.randrange(1000):03d} {rng.randrange(1000):03d}"
        digits = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"

    def _address(self) -> str:
        rng = self.rng
        town = rng.choice(self.towns)
        district = self.tree.name(town.parent_code)
        if rng.random() < 0.7:
            street = f"Số {rng.randint(1, 300)}, đường {rng.choice(STREETS)}"
        else:
            street = f"Tổ {rng.randint(1, 25)}"
        return f"{street}, {town.name}, {district}"

    # -- vehicles --------------------------------------------------------------------------------

    def draw_vehicles(self, companies: list[BusCompany]) -> list[Vehicle]:
        """Vehicles of ``companies``: every company at least one, a few companies many."""
        rng = self.rng
        if not companies:
            return []
        sizes = Weighted({index: rng.paretovariate(1.5) for index in range(len(companies))})
        owners = list(range(min(len(companies), self.vehicles)))
        owners += [sizes.draw(rng) for _extra in range(self.vehicles - len(owners))]
        vehicles = []
        for owner in owners:
            seats = SEATS.draw(rng)
            vehicles.append(
                Vehicle(
                    company=companies[owner],
                    plate=self._plate(),
                    seats=seats,
                    route=self._route(seats),
                )
            )
        return vehicles

    def _plate(self) -> str:
        """A coach plate of the province as ``normalize_plate`` writes it: ``25B-012.34``."""
        while True:
            serial = f"{self.rng.randrange(10**5):05d}"
            plate = f"{self.plate_code}B-{serial[:3]}.{serial[3:]}"
            if plate not in self.taken_plates:
                self.taken_plates.add(plate)
                return plate

    def _route(self, seats: int) -> str:
        """Small coaches link the province's capital to a district; large ones go far."""
        rng = self.rng
        if seats < LONG_SEATS:
            if rng.random() < 0.5:
                return f"{self.province} – {rng.choice(self.towns_afar or self.districts)}"
            return f"{self.province} – {self.destinations.draw(rng)}"
        from_town = self.towns_afar and rng.random() < TOWN_ROUTE_SHARE
        start = rng.choice(self.towns_afar) if from_town else self.province
        return f"{start} – {self.destinations.draw(rng)}"


# -- saving ---------------------------------------------------------------------------------------


@dataclass
class FleetResult:
    companies: int = 0
    vehicles: int = 0


@transaction.atomic
def synthetic_fleet_load(
    *, fleet: SyntheticFleet, progress: Callable[[int], object] | None = None
) -> FleetResult:
    """Save the companies, then each vehicle with its declaration point, in one transaction."""
    companies = fleet.draw_companies()
    for company in companies:
        company.save()  # a handful: saved one by one for their keys on any database
    vehicles = fleet.draw_vehicles(companies)
    for vehicle in vehicles:
        vehicle.save()
        if progress is not None:
            progress(1)
    return FleetResult(companies=len(companies), vehicles=len(vehicles))
