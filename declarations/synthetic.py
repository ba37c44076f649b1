"""Synthetic people and declarations, for a development site and for load tests.

``SyntheticPopulation`` draws people with their declarations from one ``random.Random(seed)``:
the same seed, sizes and moment give the same people, journeys and answers. Only the lookup codes
(``codes.generate_code``, drawn when saving) and the submission tokens (uuid4) differ from run to
run, since they must stay unique and unguessable whatever the seed. The shapes follow Lai Châu in
2021: most travellers come by coach from the neighbouring provinces or from Hà Nội, and many
residents bear Thái or Mông family names.

``synthetic_data_load`` saves them around ``declaration_submit`` on purpose (a million forms
through the service would take hours) but writes what the service would have written: the risk
from ``assess_risk``, the person's risk from their declarations of the last 14 days
(``people_risk_levels``), their update time from the latest, the folded name. One
``bulk_create`` per model and one transaction per batch.

Given the active declaration points (``DeclarationPoint``, loaded once by the caller), some
journeys go through their QR as they would on a real site. Most coach journeys board one of the
registered coaches running that day, so that each running coach has a passenger list of a
realistic size; the coaches registered first keep a daily timetable, the others run now and then.
A few declarations are visits to a health facility (with the visitor's role and a department of
the facility), or are made at a checkpoint by people on foot or on a motorbike. Without points,
coaches come from a pool of plates and nothing goes through a QR.
"""

import random
import uuid
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from operator import attrgetter
from typing import Generic, TypeVar

from django.db import transaction
from django.utils import timezone

from declarations import codes
from declarations.models import (
    Declaration,
    DeclarationPoint,
    MadeBy,
    Person,
    PointKind,
    Sex,
    Transport,
    VisitRole,
)
from declarations.normalize import fold_name
from declarations.places import Place, PlaceTree
from declarations.risk import RISK_DAYS, Exposure, Risk, RiskLevel, Symptom, assess_risk

K = TypeVar("K", bound=Hashable)

DECLARATIONS_PER_PERSON = 1.6
DECLARATIONS_PER_COACH = 200  # the pool of coach plates has one plate per this many declarations
LOCAL_SHARE = 0.75  # of people living in the served province
SYMPTOM_SHARE = 0.03
EXPOSURE_SHARE = 0.02
ON_BEHALF_SHARE = 0.05
ID_NUMBER_SHARE = 0.75  # of people aged 14 or more (a CCCD is issued from 14): about 70% overall
EMAIL_SHARE = 0.1
NATIONALITY = "Việt Nam"


class Weighted(Generic[K]):
    """Draws keys in proportion to their weights, with one ``random()`` and a bisection."""

    def __init__(self, weights: dict[K, float]):
        self.keys = list(weights)
        self.bounds = list(accumulate(weights.values()))

    def draw(self, rng: random.Random) -> K:
        index = bisect(self.bounds, rng.random() * self.bounds[-1])
        return self.keys[min(index, len(self.keys) - 1)]


# -- names ----------------------------------------------------------------------------------------

# fmt: off
# Kinh family names, weighted by their share of the population (the long tail left out).
KINH_FAMILY = Weighted({
    "Nguyễn": 38.4, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.1, "Hoàng": 4.0, "Huỳnh": 1.1,
    "Phan": 4.5, "Vũ": 2.5, "Võ": 1.4, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3,
    "Dương": 1.0, "Lý": 0.5,
})
# Thái, Mông and Hà Nhì family names common in Lai Châu.
MINORITY_FAMILY = Weighted({
    "Lò": 16, "Giàng": 14, "Vàng": 12, "Sùng": 10, "Lường": 8, "Tòng": 6, "Quàng": 6, "Lồ": 5,
    "Tao": 4, "Điêu": 4,
})
MONG_FAMILY = {"Giàng", "Vàng", "Sùng"}  # whose men often take "A" as middle name
MINORITY_SHARE = {"12": 0.55, "10": 0.35, "11": 0.35, "14": 0.35, "15": 0.2}  # by home province
OTHER_MINORITY_SHARE = 0.01

MIDDLE_NAMES = {
    Sex.MALE: Weighted({
        "Văn": 40, "Đức": 10, "Minh": 10, "Quốc": 6, "Hữu": 6, "Công": 5, "Xuân": 5, "Thanh": 5,
        "Quang": 4, "Ngọc": 4, "Duy": 4, "Trung": 3,
    }),
    Sex.FEMALE: Weighted({
        "Thị": 45, "Thu": 8, "Ngọc": 8, "Thanh": 7, "Minh": 5, "Kim": 5, "Hồng": 5, "Phương": 4,
        "Thùy": 4, "Mai": 3, "Bích": 3, "Hải": 3,
    }),
}
GIVEN_NAMES = {
    Sex.MALE: [
        "Anh", "Bình", "Chiến", "Công", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải",
        "Hậu", "Hiếu", "Hoàng", "Hùng", "Huy", "Hưng", "Khánh", "Khoa", "Kiên", "Lâm", "Long",
        "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng",
        "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    ],
    Sex.FEMALE: [
        "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hòa", "Hồng",
        "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc",
        "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến",
    ],
}
MINORITY_GIVEN_NAMES = {
    Sex.MALE: [
        "Xôm", "Pành", "Khăm", "Ún", "Phanh", "Sương", "Inh", "Páo", "Dế", "Chá", "Sử", "Lử",
        "Chư", "Dơ", "Pó", "Sình", "Tủa",
    ],
    Sex.FEMALE: [
        "Ín", "Ban", "Xiêng", "Pằng", "Lả", "Ỏm", "Mỷ", "Dợ", "Sua", "Pà", "Chứ", "Say", "Si",
        "Dua",
    ],
}
# fmt: on

# -- people ---------------------------------------------------------------------------------------

# Years of birth by decade, shaped like the people who travel: fewer of the old and the young.
BIRTH_DECADES = Weighted(
    {
        (1940, 1949): 3,
        (1950, 1959): 6,
        (1960, 1969): 10,
        (1970, 1979): 14,
        (1980, 1989): 20,
        (1990, 1999): 25,
        (2000, 2009): 15,
        (2010, 2015): 7,
    }
)
# Mobile prefixes of Viettel, VinaPhone, MobiFone, Vietnamobile and Gmobile, Viettel first in the
# mountains.
# fmt: off
PHONE_PREFIXES = Weighted(
    dict.fromkeys(["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097",
                   "098"], 4)
    | dict.fromkeys(["081", "082", "083", "084", "085", "088", "091", "094"], 3)
    | dict.fromkeys(["070", "076", "077", "078", "079", "089", "090", "093"], 2)
    | dict.fromkeys(["052", "056", "058", "092", "059", "099"], 1)
)
STREETS = [
    "Trần Phú", "Lê Lợi", "Nguyễn Trãi", "Hoàng Văn Thụ", "Điện Biên Phủ", "Võ Nguyên Giáp",
    "Trần Hưng Đạo", "Lê Duẩn", "Quang Trung", "Hùng Vương", "Lý Thường Kiệt", "30 Tháng 4",
]
HAMLETS = [
    "Nà Khuồng", "Hua Bum", "Pa Pe", "Nậm Đích", "Phiêng Pẳng", "Sì Choang", "Lùng Cừu",
    "Hợp Nhất",
]
# fmt: on
VACCINE_DOSES = Weighted({0: 15, 1: 20, 2: 45, 3: 18, 4: 2})

# -- journeys -------------------------------------------------------------------------------------

# Where travellers to Lai Châu come from (GSO codes): its neighbours Lào Cai, Điện Biên, Sơn La
# and Yên Bái, Hà Nội, and the industrial provinces where many of its people work.
ORIGIN_WEIGHTS = {
    "10": 22,  # Lào Cai
    "11": 14,  # Điện Biên
    "14": 10,  # Sơn La
    "15": 8,  # Yên Bái
    "01": 18,  # Hà Nội
    "27": 4,  # Bắc Ninh
    "24": 4,  # Bắc Giang
    "25": 2,  # Phú Thọ
    "26": 2,  # Vĩnh Phúc
    "19": 2,  # Thái Nguyên
    "79": 3,  # Hồ Chí Minh City
    "74": 2,  # Bình Dương
}
OTHER_ORIGIN_WEIGHT = 0.2
NEIGHBOURS = {"10", "11", "14", "15"}
HOME_ORIGIN_SHARE = 0.7  # of journeys of people living outside the province: from home
HOME_DESTINATION_SHARE = 0.7  # of journeys of the province's residents: to their own commune
# Vehicle registration codes of the provinces travellers come from (GSO code -> plate codes).
PLATE_CODES = {
    "01": ("29", "30"),  # Hà Nội
    "10": ("24",),  # Lào Cai
    "11": ("27",),  # Điện Biên
    "12": ("25",),  # Lai Châu
    "14": ("26",),  # Sơn La
    "15": ("21",),  # Yên Bái
    "19": ("20",),  # Thái Nguyên
    "24": ("98",),  # Bắc Giang
    "25": ("19",),  # Phú Thọ
    "26": ("88",),  # Vĩnh Phúc
    "27": ("99",),  # Bắc Ninh
    "74": ("61",),  # Bình Dương
    "79": ("51",),  # Hồ Chí Minh City
}
LOCAL_COACH_SHARE = 0.5  # of coaches registered in the served province whatever their route
MOTORBIKE_SERIES = list("BCDEFGHKLMNPSTUVXY")
TRANSPORT_NEAR = Weighted(
    {
        Transport.COACH: 55,
        Transport.MOTORBIKE: 27,
        Transport.CAR: 16,
        Transport.ON_FOOT: 1,
        Transport.OTHER: 1,
    }
)
TRANSPORT_FAR = Weighted(
    {Transport.COACH: 72, Transport.CAR: 24, Transport.TRAIN: 2, Transport.PLANE: 2}
)
PRIVATE_PLATE_SHARE = {Transport.CAR: 0.8, Transport.MOTORBIKE: 0.4}
# Hours of the day at which declarations are sent (coaches arrive through the day).
HOURS = Weighted(
    dict(enumerate([1, 1, 1, 1, 1, 2, 4, 6, 8, 8, 7, 6, 4, 4, 6, 7, 7, 6, 5, 4, 3, 2, 2, 1]))
)

SYMPTOM_COUNTS = Weighted({1: 60, 2: 28, 3: 12})
SYMPTOMS = Weighted(
    {
        Symptom.FEVER: 30,
        Symptom.COUGH: 30,
        Symptom.SORE_THROAT: 15,
        Symptom.ACHES: 12,
        Symptom.BREATHLESS: 7,
        Symptom.TASTE_SMELL: 6,
    }
)
SYMPTOM_ORDER = tuple(Symptom.values)
EXPOSURE_ORDER = tuple(Exposure.values)
EXPOSURE_COUNTS = Weighted({1: 85, 2: 15})
EXPOSURES = Weighted(
    {
        Exposure.SYMPTOMATIC: 30,
        Exposure.FROM_EPIDEMIC_AREA: 28,
        Exposure.BEEN_IN_EPIDEMIC_AREA: 20,
        Exposure.SUSPECTED_CASE: 14,
        Exposure.CONFIRMED_CASE: 8,
    }
)


# -- declaration points ---------------------------------------------------------------------------

FACILITY_VISIT_SHARE = 0.04  # of declarations: visits to a health facility, through its QR
CHECKPOINT_QR_SHARE = 0.02  # of declarations: through a checkpoint's QR, on foot or motorbike
VEHICLE_QR_SHARE = 0.85  # of coach journeys: on a registered coach (the rest: coaches from afar)
COACH_SHARE = 0.6  # of journeys, about: to plan how many registered coaches run each day
PASSENGERS_PER_RUN = 18  # the mean passenger list of a coach on a day it runs
REGULAR_RUNS_SHARE = 1 / 3  # of each day's runs: by the coaches registered first, every day
MAX_PASSENGERS = 40  # a full coach: later passengers take a coach without a QR
BOARDING_SECONDS = 5400  # passengers declare in the hour and a half before departure
CREW_SHARE = 0.15  # of a coach's passengers: declared by the crew on their behalf (khai hộ)
VISIT_ROLES = Weighted(
    {VisitRole.PATIENT: 55, VisitRole.RELATIVE: 33, VisitRole.VISITOR: 9, VisitRole.STAFF: 3}
)
CHECKPOINT_TRANSPORT = Weighted({Transport.MOTORBIKE: 75, Transport.ON_FOOT: 25})
DEFAULT_DEPARTMENT = "Khoa Khám bệnh"  # at a facility that lists no departments
NUMBERED_SEATS = [str(number) for number in range(1, MAX_PASSENGERS + 1)]
SLEEPER_SEATS = [f"{deck}{number:02d}" for deck in "AB" for number in range(1, 23)]


@dataclass
class CoachRun:
    """A registered coach's journey on one day: its QR point, departure and passengers so far."""

    point: DeclarationPoint
    departure: int  # seconds after midnight, site time
    seats: list[str]  # in the order passengers take them
    passengers: int = 0


def default_people(declarations: int) -> int:
    """How many people make ``declarations`` when many declare more than once."""
    return max(1, round(declarations / DECLARATIONS_PER_PERSON)) if declarations > 0 else 0


@dataclass(frozen=True)
class Home:
    province: str
    district: str
    commune: str
    address: str
    local: bool  # in the served province


@dataclass
class PersonRecord:
    """A person not yet saved, with their declarations, oldest first."""

    person: Person
    declarations: list[Declaration]


class SyntheticPopulation:
    """Draws people and their declarations; reads nothing from the database.

    Every person has at least one declaration; the rest are spread at random over the people, so
    that about half of them declare more than once.
    """

    def __init__(
        self,
        *,
        tree: PlaceTree,
        province_code: str,
        declarations: int,
        people: int,
        days: int = 14,
        seed: int | None = None,
        now: datetime | None = None,
        points: Sequence[DeclarationPoint] = (),
    ):
        if not 0 < people <= declarations:
            raise ValueError("Need at least one person and no more people than declarations.")
        if days < 1:
            raise ValueError("Need at least one day.")
        if not tree.children_of(province_code):
            raise ValueError(f"No districts for province {province_code}: load the places.")
        self.tree = tree
        self.province_code = province_code
        self.declarations = declarations
        self.people = people
        self.days = days
        self.rng = random.Random(seed)
        self.now = timezone.localtime(now or timezone.now())
        self.today = self.now.date()
        self._communes: dict[str, list[Place]] = {}
        self.origins = Weighted(
            {
                province.code: ORIGIN_WEIGHTS.get(province.code, OTHER_ORIGIN_WEIGHT)
                for province in tree.provinces()
                if province.code != province_code and self.communes_of(province.code)
            }
        )
        self.coaches = self._coach_pool(max(1, round(declarations / DECLARATIONS_PER_COACH)))
        self._risks: dict[tuple[tuple[str, ...], tuple[str, ...]], Risk] = {}
        self.vehicle_points = [p for p in points if p.kind == PointKind.VEHICLE and p.vehicle_plate]
        self.checkpoint_points = [p for p in points if p.kind == PointKind.CHECKPOINT]
        self.facility_points = [p for p in points if p.kind == PointKind.FACILITY]
        self.point_kinds = {point.pk: point.kind for point in points}
        self._departments = {
            point.pk: [line.strip() for line in point.departments.splitlines() if line.strip()]
            or [DEFAULT_DEPARTMENT]
            for point in self.facility_points
        }
        expected = declarations * COACH_SHARE * VEHICLE_QR_SHARE / days
        self.runs_per_day = max(1, round(expected / PASSENGERS_PER_RUN))
        self.regular_coaches = max(1, int(self.runs_per_day * REGULAR_RUNS_SHARE))
        self._runs: dict[date, list[CoachRun]] = {}  # the runs of each day not yet full

    # -- the whole population -------------------------------------------------------------------

    def records(self) -> Iterator[PersonRecord]:
        for count in self._declaration_counts():
            yield self.person_record(count)

    def batches(self, size: int) -> Iterator[list[PersonRecord]]:
        """Records in groups of at least ``size`` declarations (but the last group)."""
        batch: list[PersonRecord] = []
        declarations = 0
        for record in self.records():
            batch.append(record)
            declarations += len(record.declarations)
            if declarations >= size:
                yield batch
                batch, declarations = [], 0
        if batch:
            yield batch

    def _declaration_counts(self) -> list[int]:
        counts = [1] * self.people
        for _extra in range(self.declarations - self.people):
            counts[self.rng.randrange(self.people)] += 1
        return counts

    # -- one person ------------------------------------------------------------------------------

    def person_record(self, count: int) -> PersonRecord:
        rng = self.rng
        sex = Sex.MALE if rng.random() < 0.51 else Sex.FEMALE
        low, high = BIRTH_DECADES.draw(rng)
        birth_year = rng.randint(low, high)
        home = self._home()
        full_name = self._full_name(sex, home.province)
        declarations = [
            self._declaration(home, birth_year, day) for day in self._travel_days(count)
        ]
        declarations.sort(key=attrgetter("submitted_at"))  # days repeat when count > days
        latest = declarations[-1]
        person = Person(
            full_name=full_name,
            name_folded=fold_name(full_name)[:100],
            birth_year=birth_year,
            sex=sex,
            nationality=NATIONALITY,
            id_number=self._id_number(sex, birth_year, home.province),
            phone=PHONE_PREFIXES.draw(rng) + f"{rng.randrange(10**7):07d}",
            email=self._email(full_name, birth_year),
            residence_province_id=home.province,
            residence_district_id=home.district,
            residence_commune_id=home.commune,
            residence_address=home.address,
            created_at=declarations[0].submitted_at,
            updated_at=latest.submitted_at,
            risk_level=self._current_risk(declarations),
        )
        return PersonRecord(person, declarations)

    def _current_risk(self, declarations) -> str:
        """The highest risk of the recent declarations, as ``people_risk_levels`` gives it."""
        since = self.now - timedelta(days=RISK_DAYS)
        return RiskLevel.highest(*(d.risk_level for d in declarations if d.submitted_at >= since))

    def _full_name(self, sex: str, province: str) -> str:
        rng = self.rng
        minority = rng.random() < MINORITY_SHARE.get(province, OTHER_MINORITY_SHARE)
        if not minority:
            family = KINH_FAMILY.draw(rng)
            middle = MIDDLE_NAMES[sex].draw(rng)
            return f"{family} {middle} {rng.choice(GIVEN_NAMES[sex])}"
        family = MINORITY_FAMILY.draw(rng)
        if sex == Sex.FEMALE:
            middle = "Thị"
        elif family in MONG_FAMILY and rng.random() < 0.7:
            middle = "A"
        else:
            middle = "Văn"
        pool = MINORITY_GIVEN_NAMES if rng.random() < 0.5 else GIVEN_NAMES
        return f"{family} {middle} {rng.choice(pool[sex])}"

    def _id_number(self, sex: str, birth_year: int, province: str) -> str:
        """A 12-digit CCCD: province, sex and century, year of birth, then six digits."""
        rng = self.rng
        if self.today.year - birth_year < 14 or rng.random() >= ID_NUMBER_SHARE:
            return ""
        sex_century = (0 if sex == Sex.MALE else 1) + (2 if birth_year >= 2000 else 0)
        return f"0{province}{sex_century}{birth_year % 100:02d}{rng.randrange(10**6):06d}"

    def _email(self, full_name: str, birth_year: int) -> str:
        if birth_year < 1970 or self.rng.random() >= EMAIL_SHARE:
            return ""
        return f"{fold_name(full_name).replace(' ', '')}{birth_year % 100:02d}@gmail.com"

    def _home(self) -> Home:
        rng = self.rng
        local = rng.random() < LOCAL_SHARE
        province = self.province_code if local else self.origins.draw(rng)
        commune = rng.choice(self.communes_of(province))
        if local and rng.random() < 0.5:
            address = f"Bản {rng.choice(HAMLETS)}"
        elif rng.random() < 0.3:
            address = f"Tổ {rng.randint(1, 20)}"
        else:
            address = f"Số {rng.randint(1, 250)}, đường {rng.choice(STREETS)}"
        return Home(province, commune.parent_code, commune.code, address, local)

    # -- one declaration -------------------------------------------------------------------------

    def _travel_days(self, count: int) -> list[date]:
        """``count`` travel days among the last ``days`` (repeating only if there are too few)."""
        rng = self.rng
        if count <= self.days:
            offsets = rng.sample(range(self.days), count)
        else:
            offsets = [rng.randrange(self.days) for _ in range(count)]
        return [self.today - timedelta(days=offset) for offset in sorted(offsets, reverse=True)]

    def _declaration(self, home: Home, birth_year: int, day: date) -> Declaration:
        rng = self.rng
        point, visit_role, department = self._qr_point()
        from_home = not home.local and rng.random() < HOME_ORIGIN_SHARE
        from_province = home.province if from_home else self.origins.draw(rng)
        near = from_province in NEIGHBOURS
        transport = (TRANSPORT_NEAR if near else TRANSPORT_FAR).draw(rng)
        if point is not None and point.kind == PointKind.CHECKPOINT:
            transport = CHECKPOINT_TRANSPORT.draw(rng)
        run = self._board(day) if transport == Transport.COACH and point is None else None
        if run is None:
            plate, seat = self._vehicle(transport, from_province, home.province)
        else:
            point, plate, seat = run.point, run.point.vehicle_plate, run.seats[run.passengers - 1]
        if home.local and rng.random() < HOME_DESTINATION_SHARE:
            to_district, to_commune, to_address = home.district, home.commune, home.address
        else:
            commune = rng.choice(self.communes_of(self.province_code))
            to_district, to_commune, to_address = commune.parent_code, commune.code, ""
        from_district = rng.choice(self.communes_of(from_province)).parent_code
        symptoms, exposures = self._health_answers()
        risk = self._risk(symptoms, exposures, day)
        on_behalf = rng.random() < (ON_BEHALF_SHARE if run is None else CREW_SHARE)
        return Declaration(
            submission_token=uuid.uuid4(),
            submitted_at=self._submitted_at(day, run),
            made_by=MadeBy.ON_BEHALF if on_behalf else MadeBy.SELF,
            travel_date=day,
            from_province_id=from_province,
            from_district_id=from_district,
            to_district_id=to_district,
            to_commune_id=to_commune,
            to_address=to_address,
            transport=transport,
            vehicle_plate=plate,
            seat=seat,
            places_visited=self._places_visited(exposures, from_district),
            symptoms=list(symptoms),
            exposures=list(exposures),
            vaccine_doses=0 if self.today.year - birth_year < 12 else VACCINE_DOSES.draw(rng),
            risk_level=risk.level,
            risk_reasons=risk.stored_reasons(),
            point=point,
            visit_role=visit_role,
            department=department,
        )

    def _submitted_at(self, day: date, run: CoachRun | None = None) -> datetime:
        """A plausible moment of ``day``, site time, never after now: on a coach, at boarding."""
        rng = self.rng
        if run is None:
            seconds = HOURS.draw(rng) * 3600 + rng.randrange(3600)
        else:
            seconds = max(run.departure - rng.randrange(BOARDING_SECONDS), 0)
        start = datetime.combine(day, time(), tzinfo=self.now.tzinfo)
        moment = start + timedelta(seconds=seconds)
        if moment > self.now:
            elapsed = int((self.now - start).total_seconds())
            moment = start + timedelta(seconds=rng.randrange(max(elapsed, 1)))
        return moment

    def _qr_point(self) -> tuple[DeclarationPoint | None, str, str]:
        """A facility or checkpoint point for a few declarations, with the visit's role and
        department: ``(point, visit_role, department)``. Draws nothing without such points."""
        if not (self.facility_points or self.checkpoint_points):
            return None, "", ""
        rng = self.rng
        draw = rng.random()
        if draw < FACILITY_VISIT_SHARE and self.facility_points:
            point = rng.choice(self.facility_points)
            return point, VISIT_ROLES.draw(rng), rng.choice(self._departments[point.pk])
        checkpoint_band = FACILITY_VISIT_SHARE <= draw < FACILITY_VISIT_SHARE + CHECKPOINT_QR_SHARE
        if checkpoint_band and self.checkpoint_points:
            return rng.choice(self.checkpoint_points), "", ""
        return None, "", ""

    def _board(self, day: date) -> CoachRun | None:
        """A seat on one of the registered coaches running on ``day``, or None (no registered
        coach, or all of that day's are full): the passenger then takes a coach from the pool."""
        rng = self.rng
        if not self.vehicle_points or rng.random() >= VEHICLE_QR_SHARE:
            return None
        runs = self._runs.get(day)
        if runs is None:
            runs = self._runs[day] = self._day_runs()
        if not runs:
            return None
        index = rng.randrange(len(runs))
        run = runs[index]
        run.passengers += 1
        if run.passengers >= MAX_PASSENGERS:
            runs[index] = runs[-1]
            runs.pop()
        return run

    def _day_runs(self) -> list[CoachRun]:
        """The registered coaches that run on a day: enough for lists of about
        ``PASSENGERS_PER_RUN``, each leaving at its own hour. The first points (the oldest, as
        the command loads them) run every day, the others are drawn."""
        rng = self.rng
        count = round(self.runs_per_day * rng.uniform(0.75, 1.25))
        regular = self.vehicle_points[: self.regular_coaches]
        others = self.vehicle_points[self.regular_coaches :]
        drawn = rng.sample(others, min(max(count - len(regular), 0), len(others)))
        runs = []
        for point in regular + drawn:
            seats = list(NUMBERED_SEATS if rng.random() < 0.5 else SLEEPER_SEATS)
            rng.shuffle(seats)
            departure = HOURS.draw(rng) * 3600 + rng.randrange(3600)
            runs.append(CoachRun(point=point, departure=departure, seats=seats))
        return runs

    def _vehicle(self, transport: str, from_province: str, home_province: str) -> tuple[str, str]:
        rng = self.rng
        if transport == Transport.COACH:
            plates = self.coaches.get(from_province) or self.coaches[""]
            if rng.random() < 0.5:
                seat = str(rng.randint(1, 45))
            else:
                seat = f"{rng.choice('AB')}{rng.randint(1, 22):02d}"  # sleeper coach, two decks
            return rng.choice(plates), seat
        if rng.random() >= PRIVATE_PLATE_SHARE.get(transport, 0):
            return "", ""
        plate_codes = PLATE_CODES.get(home_province) or PLATE_CODES.get(from_province)
        if plate_codes is None:
            return "", ""
        if transport == Transport.CAR:
            series = "A"
        else:
            series = f"{rng.choice(MOTORBIKE_SERIES)}{rng.randint(1, 9)}"
        return self._plate(rng.choice(plate_codes), series), ""

    def _coach_pool(self, size: int) -> dict[str, list[str]]:
        """Coach plates by the province of their route; ``""`` holds them all.

        Few plates for many declarations, so that a coach carries many passengers a day, as the
        tracing of a coach's passengers expects. Each main route gets plates in proportion to its
        travellers; from elsewhere, people take any coach (long-distance coaches stop on the way).
        """
        rng = self.rng
        local_codes = PLATE_CODES.get(self.province_code, ("25",))
        routes = {code: w for code, w in ORIGIN_WEIGHTS.items() if code in self.origins.keys}
        total = sum(routes.values())
        pool: dict[str, list[str]] = {"": []}
        seen: set[str] = set()
        for route, weight in routes.items():
            plates = pool.setdefault(route, [])
            for _plate in range(max(1, round(size * weight / total))):
                in_province = rng.random() < LOCAL_COACH_SHARE
                plate_codes = local_codes if in_province else PLATE_CODES.get(route, local_codes)
                plate = self._plate(rng.choice(plate_codes), "B")
                while plate in seen:
                    plate = self._plate(rng.choice(plate_codes), "B")
                seen.add(plate)
                plates.append(plate)
                pool[""].append(plate)
        return pool

    def _plate(self, plate_code: str, series: str) -> str:
        """A plate as ``normalize_plate`` writes it, e.g. ``25B-012.34``."""
        serial = f"{self.rng.randrange(10**5):05d}"
        return f"{plate_code}{series}-{serial[:3]}.{serial[3:]}"

    def _health_answers(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        rng = self.rng
        symptoms: set[str] = set()
        exposures: set[str] = set()
        if rng.random() < SYMPTOM_SHARE:
            count = SYMPTOM_COUNTS.draw(rng)
            while len(symptoms) < count:
                symptoms.add(SYMPTOMS.draw(rng))
        if rng.random() < EXPOSURE_SHARE:
            count = EXPOSURE_COUNTS.draw(rng)
            while len(exposures) < count:
                exposures.add(EXPOSURES.draw(rng))
        # In the order of the form's choices, as a submitted form gives them.
        return (
            tuple(s for s in SYMPTOM_ORDER if s in symptoms),
            tuple(e for e in EXPOSURE_ORDER if e in exposures),
        )

    def _risk(self, symptoms: tuple[str, ...], exposures: tuple[str, ...], day: date) -> Risk:
        # Without epidemic zones the rules depend on the answers alone: assess each set once.
        key = (symptoms, exposures)
        if key not in self._risks:
            self._risks[key] = assess_risk(
                symptoms=symptoms, exposures=exposures, place_codes=[], travel_date=day, zones=[]
            )
        return self._risks[key]

    def _places_visited(self, exposures: tuple[str, ...], from_district: str) -> str:
        if Exposure.BEEN_IN_EPIDEMIC_AREA not in exposures:
            return ""
        district = self.tree.get(from_district)
        return f"{district.name}, {self.tree.name(district.parent_code)}" if district else ""

    # -- places ----------------------------------------------------------------------------------

    def communes_of(self, province: str) -> list[Place]:
        """Every commune of a province (so that districts without communes are never drawn)."""
        if province not in self._communes:
            self._communes[province] = [
                commune
                for district in self.tree.children_of(province)
                for commune in self.tree.children_of(district.code)
            ]
        return self._communes[province]


# -- saving ---------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    people: int = 0
    declarations: int = 0
    at_risk: int = 0  # declarations
    through_points: Counter = field(default_factory=Counter)  # declarations by point kind

    @property
    def at_risk_share(self) -> float:
        return self.at_risk / self.declarations if self.declarations else 0.0


def synthetic_data_load(
    *,
    population: SyntheticPopulation,
    batch_size: int = 5000,
    progress: Callable[[int], object] | None = None,
) -> LoadResult:
    """Save the population, one transaction per batch; ``progress`` gets each batch's count."""
    result = LoadResult()
    taken: set[str] = set()
    for batch in population.batches(batch_size):
        declarations = records_save(batch, taken_codes=taken)
        result.people += len(batch)
        result.declarations += len(declarations)
        result.at_risk += sum(d.risk_level != RiskLevel.NONE for d in declarations)
        result.through_points.update(
            population.point_kinds[d.point_id] for d in declarations if d.point_id is not None
        )
        if progress is not None:
            progress(len(declarations))
    return result


@transaction.atomic
def records_save(records: list[PersonRecord], *, taken_codes: set[str]) -> list[Declaration]:
    """Give the people fresh lookup codes and insert them, then their declarations."""
    people = [record.person for record in records]
    lookup_codes_assign(people, taken=taken_codes)
    Person.objects.bulk_create(people)
    if people and people[0].pk is None:  # a database that does not return keys from bulk inserts
        ids = dict(
            Person.objects.filter(lookup_code__in=[p.lookup_code for p in people]).values_list(
                "lookup_code", "pk"
            )
        )
        for person in people:
            person.pk = ids[person.lookup_code]
    declarations = []
    for record in records:
        for declaration in record.declarations:
            declaration.person_id = record.person.pk
            declarations.append(declaration)
    Declaration.objects.bulk_create(declarations)
    return declarations


def lookup_codes_assign(people: list[Person], *, taken: set[str]) -> None:
    """Draw a code for each person, unused in this run (``taken``) and in the database.

    One query per round; a second round is as unlikely as two draws of 39 random bits meeting.
    """
    pending = people
    while pending:
        for person in pending:
            code = codes.generate_code()
            while code in taken:
                code = codes.generate_code()
            taken.add(code)
            person.lookup_code = code
        clashes = set(
            Person.objects.filter(lookup_code__in=[p.lookup_code for p in pending]).values_list(
                "lookup_code", flat=True
            )
        )
        pending = [person for person in pending if person.lookup_code in clashes]
