"""Synthetic follow-ups, cases and contacts, for a development site and for the benchmarks.

They are drawn from the people and declarations already in the database (``generate_data``), so
that they tell one story with them:

- Every person at risk of the last 14 days gets the follow-up the signals would have opened (bulk
  inserts send no signal), opened when they declared, with one to four events of its history:
  calls, isolation at home or in a facility, tests, clearance, with notes in Vietnamese as the
  health staff write them. A share of the open ones have had no news for more than 24 hours
  (overdue), as on any real risk list.
- A few of these people become confirmed cases (F0), preferably people at high risk who took a
  coach, confirmed after their journey by a test, isolated in the province's hospital or a
  district health centre; their follow-up says tested positive.
- Each case has F1 contacts found as ``tracing.proposals`` finds them, with reasons of the same
  shape: people on the same vehicle (plate) within a day of the case's journeys, the members of
  their household (the same address in the same commune, when few people share it: a hamlet is
  not a household), and up to two people the investigation team reported. Some are confirmed,
  some still proposed, some dismissed; confirmed ones get a follow-up. A few confirmed F1s lead
  to F2 contacts (``via`` them): their own co-travellers and household members.

``SyntheticTracing`` draws from what it is given and reads nothing from the database;
``synthetic_cases_load`` reads what it needs in a handful of queries (one per case for the
investigation's reports) and saves everything with bulk inserts in one transaction.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import StaffProfile
from accounts.roles import Role
from declarations import codes
from declarations.models import Declaration, Person, RiskFlag
from declarations.places import PlaceTree
from declarations.risk import RiskLevel
from declarations.services import people_risk_levels
from declarations.synthetic import Weighted
from tracing.models import (
    OVERDUE_AFTER_HOURS,
    Case,
    Contact,
    ContactLevel,
    ContactSource,
    ContactStatus,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
    system_text,
)

AT_RISK_DAYS = 14  # people at risk whose latest declaration is this recent get a follow-up
OVERDUE_SHARE = 0.25  # of the open follow-ups old enough: no news for more than a day
ASSIGNED_SHARE = 0.7  # of follow-ups: the first call also assigns them to the caller
EVENT_COUNTS = Weighted({1: 35, 2: 30, 3: 20, 4: 15})
CANDIDATES_PER_CASE = 20  # people at risk looked at for each case wanted
ADJACENT_DAYS = 1  # co-travellers: on the same vehicle within a day of the case's journey
HOUSEHOLD_MAX = 8  # more people at one address make a hamlet or a block, not a household
REPORTED = Weighted({0: 50, 1: 35, 2: 15})  # contacts reported by the investigation team
NEIGHBOURS_READ = 40  # people of the case's commune read to pick the reported ones from
F2_SHARE = 0.35  # of the confirmed F1s: whose own contacts are traced
F2_PER_F1 = Weighted({1: 55, 2: 30, 3: 15})
F2_MAX_PER_CASE = 8
BATCH = 2000
HOUR = timedelta(hours=1)

# How a proposed contact was decided, by why it was proposed: on the same vehicle the same day,
# on the same vehicle the day before or after, in the same household, reported by the team.
DECISIONS = {
    "same_day": Weighted(
        {ContactStatus.CONFIRMED: 55, ContactStatus.PROPOSED: 30, ContactStatus.DISMISSED: 15}
    ),
    "adjacent_day": Weighted(
        {ContactStatus.CONFIRMED: 15, ContactStatus.PROPOSED: 45, ContactStatus.DISMISSED: 40}
    ),
    "household": Weighted({ContactStatus.CONFIRMED: 85, ContactStatus.PROPOSED: 15}),
    "reported": Weighted({ContactStatus.CONFIRMED: 80, ContactStatus.PROPOSED: 20}),
    "F2": Weighted(
        {ContactStatus.CONFIRMED: 35, ContactStatus.PROPOSED: 50, ContactStatus.DISMISSED: 15}
    ),
}

# -- what the health staff write ------------------------------------------------------------------

# fmt: off
NOT_REACHED = [
    "Gọi điện 2 lần không liên lạc được, sẽ gọi lại.",
    "Thuê bao không liên lạc được, đã nhắn tin đề nghị gọi lại cho trạm y tế.",
    "Đã nhờ trưởng bản báo gia đình liên hệ với trạm y tế xã.",
]
CONTACTED = [
    "Đã liên hệ qua điện thoại, hướng dẫn tự theo dõi sức khỏe và đo thân nhiệt 2 lần/ngày.",
    "Đã gọi điện, người dân hợp tác, hẹn lấy mẫu xét nghiệm tại trạm y tế xã.",
    "Cán bộ trạm y tế xã đã đến nhà, hướng dẫn đeo khẩu trang và hạn chế tiếp xúc.",
    "Đã liên hệ, người dân xác nhận có ho nhẹ, không sốt.",
]
AT_HOME = [
    "Cách ly tại nhà 7 ngày, UBND xã giám sát, dán thông báo trước cửa.",
    "Tự cách ly tại nhà, tổ COVID cộng đồng theo dõi hằng ngày.",
    "Cách ly tại nhà, đã ký cam kết, hướng dẫn gia đình ở phòng riêng.",
]
STABLE = [
    "Sức khỏe ổn định, không sốt, không ho.",
    "Đã gọi kiểm tra: thân nhiệt 36,8°C, không có triệu chứng mới.",
    "Còn ho nhẹ, đã hướng dẫn uống nhiều nước và báo ngay nếu khó thở.",
]
NEGATIVE = [
    "Xét nghiệm RT-PCR lần 1 âm tính.",
    "Test nhanh kháng nguyên âm tính.",
    "Xét nghiệm RT-PCR lần 2 âm tính.",
]
CLEARED = [
    "Hết thời gian theo dõi, sức khỏe bình thường.",
    "Hoàn thành cách ly, xét nghiệm âm tính, kết thúc theo dõi.",
]
HOW_CONFIRMED = Weighted({
    "Xét nghiệm RT-PCR dương tính": 70,
    "Xét nghiệm RT-PCR dương tính (mẫu gộp, đã tách mẫu đơn)": 15,
    "Test nhanh kháng nguyên dương tính, khẳng định bằng RT-PCR": 15,
})
REPORTED_WHY = [
    "Ăn cơm cùng mâm trong đám cưới ngày {day}",
    "Làm cùng phòng tại cơ quan ngày {day}",
    "Đi chợ phiên cùng nhau ngày {day}",
    "Chở ca bệnh bằng xe máy ngày {day}",
]
# fmt: on


def province_hospital(tree: PlaceTree, province: str) -> str:
    """The province's general hospital: Bệnh viện Đa khoa tỉnh Lai Châu for Tỉnh Lai Châu."""
    return f"Bệnh viện Đa khoa {_lower_first(tree.name(province))}"


def district_centre(tree: PlaceTree, district: str) -> str:
    """A district's health centre: Trung tâm Y tế huyện Tam Đường for Huyện Tam Đường."""
    return f"Trung tâm Y tế {_lower_first(tree.name(district))}"


def risk_reason(level: str) -> str:
    """The reason the signal gives a follow-up: the risk level's label, in the source language
    (``system_text``), shown in each reader's."""
    return system_text(RiskLevel(level).label)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


# -- what the generator is given ------------------------------------------------------------------


class AtRisk(NamedTuple):
    """A person at risk of the last days, as much as a follow-up needs."""

    person: int
    risk_level: str
    since: datetime  # their latest declaration, when the signal would have opened a follow-up
    district: str  # of residence: whose district staff follow them up
    follow_up: int | None
    case: int | None


class Resident(NamedTuple):
    person: int
    full_name: str
    lookup_code: str
    district: str
    commune: str
    address: str

    @property
    def home(self) -> tuple[str, str, str]:
        return self.district, self.commune, self.address

    def __str__(self) -> str:  # as Person.__str__, for the follow-ups' reasons
        return f"{self.full_name} ({codes.format_code(self.lookup_code)})"


class Journey(NamedTuple):
    person: int
    plate: str
    day: date
    submitted_at: datetime


@dataclass(frozen=True)
class Staff:
    """The health staff who call people, by district; the provincial ones for everyone."""

    by_district: dict[str, list[int]] = field(default_factory=dict)
    province_wide: list[int] = field(default_factory=list)

    def for_district(self, district: str) -> list[int]:
        return self.by_district.get(district) or self.province_wide


@dataclass
class CaseDraft:
    case: Case
    resident: Resident
    confirmed_at: datetime
    journeys: list[Journey]
    contacts: dict[int, Contact] = field(default_factory=dict)  # by person


@dataclass
class Plan:
    follow_ups: list[FollowUp] = field(default_factory=list)
    events: list[FollowUpEvent] = field(default_factory=list)
    cases: list[CaseDraft] = field(default_factory=list)
    # Follow-ups that already exist and change: (id, new status, updated_at).
    updates: list[tuple[int, str, datetime]] = field(default_factory=list)

    def contacts(self, level: str) -> list[Contact]:
        return [
            contact
            for draft in self.cases
            for contact in draft.contacts.values()
            if contact.level == level
        ]


# -- the generator --------------------------------------------------------------------------------


class SyntheticTracing:
    """Draws follow-ups, cases and contacts from what it is given; reads nothing from the
    database. ``plan`` collects what the load function saves."""

    def __init__(
        self,
        *,
        tree: PlaceTree,
        province_code: str,
        staff: Staff,
        seed: int | None = None,
        now: datetime | None = None,
    ):
        self.tree = tree
        self.province_code = province_code
        self.staff = staff
        self.rng = random.Random(seed)
        self.now = timezone.localtime(now or timezone.now())
        self.plan = Plan()
        self.followed: set[int] = set()  # people with a follow-up, existing or planned

    # -- follow-ups of people at risk -----------------------------------------------------------

    def follow_up_people(self, at_risk: Iterable[AtRisk], *, cases: set[int]) -> None:
        """A follow-up with its history for each person at risk who has none; those who become
        cases (``cases``) are handled with their case."""
        for person in at_risk:
            if person.follow_up is not None:
                self.followed.add(person.person)
            elif person.person not in cases:
                reason = risk_reason(person.risk_level)
                opened = min(person.since, self.now)
                self._follow_up(person.person, person.district, opened, reason, self._steps())

    def _follow_up(
        self,
        person: int,
        district: str,
        opened: datetime,
        reason: str,
        steps: list[tuple[str, str]],
        *,
        ends_at: datetime | None = None,
    ) -> FollowUp:
        """A new follow-up and its events: the ``steps`` (status or "", note) from ``opened``,
        the last at ``ends_at`` if given, else now or, for some, more than a day ago."""
        rng = self.rng
        staff = self.staff.for_district(district)
        user = rng.choice(staff) if staff else None
        follow_up = FollowUp(person_id=person, reason=reason[:200], created_at=opened)
        times = self._event_times(opened, len(steps), ends_at=ends_at)
        assigns = user is not None and rng.random() < ASSIGNED_SHARE
        for index, ((status, note), at) in enumerate(zip(steps, times, strict=True)):
            assignee = user if assigns and index == 0 else None
            self.plan.events.append(
                FollowUpEvent(
                    follow_up=follow_up,
                    at=at,
                    user_id=user,
                    status=status,
                    assignee_id=assignee,
                    note=note,
                )
            )
            follow_up.status = status or follow_up.status
            follow_up.assignee_id = assignee or follow_up.assignee_id
        follow_up.updated_at = times[-1] if times else opened
        self.plan.follow_ups.append(follow_up)
        self.followed.add(person)
        return follow_up

    def _steps(self, *, isolation: str = "", count: int | None = None) -> list[tuple[str, str]]:
        """The first ``count`` (1 to 4) steps of a follow-up: calls, isolation (at home mostly,
        or ``isolation``), news, a negative test, the end."""
        rng = self.rng
        steps = []
        if rng.random() < 0.15:
            steps.append(("", rng.choice(NOT_REACHED)))
        steps.append((FollowUpStatus.CONTACTED, rng.choice(CONTACTED)))
        where = isolation or (
            FollowUpStatus.ISOLATING_HOME
            if rng.random() < 0.8
            else FollowUpStatus.ISOLATING_FACILITY
        )
        if where == FollowUpStatus.ISOLATING_HOME:
            steps.append((where, rng.choice(AT_HOME)))
        else:
            steps.append((where, f"Chuyển cách ly tập trung tại {self._facility()}."))
        if rng.random() < 0.3:
            steps.append(("", rng.choice(STABLE)))
        steps.append((FollowUpStatus.TESTED_NEGATIVE, rng.choice(NEGATIVE)))
        steps.append((FollowUpStatus.CLEARED, rng.choice(CLEARED)))
        return steps[: EVENT_COUNTS.draw(rng) if count is None else count]

    def _event_times(
        self, opened: datetime, count: int, *, ends_at: datetime | None = None
    ) -> list[datetime]:
        """``count`` moments after ``opened``, oldest first, the last at ``ends_at`` or drawn:
        within the last day, or (for a share of those opened long enough ago) before it."""
        rng = self.rng
        if count == 0:
            return []
        overdue_before = self.now - timedelta(hours=OVERDUE_AFTER_HOURS) - HOUR
        if ends_at is not None:
            last = max(ends_at, opened)
        elif opened < overdue_before and rng.random() < OVERDUE_SHARE:
            last = self._between(opened + HOUR / 2, overdue_before)
        else:
            last = self._between(max(opened, self.now - timedelta(hours=20)), self.now)
        earlier = sorted(self._between(opened, last) for _step in range(count - 1))
        return [*earlier, last]

    def _between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()

    def _facility(self, district: str = "") -> str:
        """Where people are isolated or treated: the province's hospital or a district's centre."""
        districts = self.tree.children_of(self.province_code)
        if not self.tree.is_child(district, self.province_code):
            district = self.rng.choice(districts).code if districts else ""
        if not district or self.rng.random() < 0.5:
            return province_hospital(self.tree, self.province_code)
        return district_centre(self.tree, district)

    # -- cases ----------------------------------------------------------------------------------

    def pick_cases(
        self, candidates: list[AtRisk], journeys: dict[int, list[Journey]], count: int
    ) -> list[AtRisk]:
        """``count`` of the candidates, those who travelled on a vehicle with a plate first."""
        with_plates = [c for c in candidates if any(j.plate for j in journeys.get(c.person, []))]
        others = [c for c in candidates if c not in with_plates]
        return (with_plates + others)[:count]

    def confirm(
        self,
        person: AtRisk,
        resident: Resident,
        journeys: list[Journey],
        *,
        created_by: int | None,
    ) -> CaseDraft:
        """The case of ``person``, confirmed after their latest journey, and its follow-up."""
        rng = self.rng
        latest = max((j.submitted_at for j in journeys), default=person.since)
        confirmed_at = self._between(min(latest + 6 * HOUR, self.now), self.now)
        how = HOW_CONFIRMED.draw(rng)
        home = resident.district if rng.random() < 0.4 else ""
        isolated_at = self._facility(home)
        case = Case(
            person_id=person.person,
            confirmed_on=timezone.localdate(confirmed_at),
            how_confirmed=how,
            isolated_at=isolated_at,
            created_by_id=created_by,
            created_at=confirmed_at,
        )
        draft = CaseDraft(case, resident, confirmed_at, [j for j in journeys if j.plate])
        self.plan.cases.append(draft)
        positive = (FollowUpStatus.TESTED_POSITIVE, how)
        if person.follow_up is not None:
            self.plan.updates.append((person.follow_up, positive[0], confirmed_at))
            follow_up = FollowUp(pk=person.follow_up)
            self.plan.events.append(
                FollowUpEvent(
                    follow_up=follow_up,
                    at=confirmed_at,
                    user_id=created_by,
                    status=positive[0],
                    note=how,
                )
            )
        else:
            before = self._steps(count=rng.randint(0, 2))
            opened = min(person.since, confirmed_at)
            steps = [step for step in before if step[0] != FollowUpStatus.CLEARED]
            self._follow_up(
                person.person,
                person.district,
                opened,
                risk_reason(person.risk_level),
                [*steps, positive],
                ends_at=confirmed_at,
            )
        return draft

    # -- contacts -------------------------------------------------------------------------------

    def add_contact(
        self,
        draft: CaseDraft,
        person: int,
        reason: dict,
        decision: str,
        *,
        level: str = ContactLevel.F1,
        via: Contact | None = None,
        source: str = ContactSource.PROPOSED,
    ) -> None:
        """Propose ``person`` as a contact of the case, or add a reason if they already are."""
        if person == draft.case.person_id:
            return
        existing = draft.contacts.get(person)
        if existing is not None:
            if existing.level == level and reason not in existing.reasons:
                existing.reasons.append(reason)
            return
        created_at = self._between(draft.confirmed_at, min(draft.confirmed_at + 6 * HOUR, self.now))
        status = DECISIONS[decision].draw(self.rng)
        contact = Contact(
            case=draft.case,
            person_id=person,
            level=level,
            via=via,
            status=status,
            source=source,
            reasons=[reason],
            created_at=created_at,
        )
        if status != ContactStatus.PROPOSED:
            contact.decided_at = self._between(created_at, min(created_at + 12 * HOUR, self.now))
            contact.decided_by_id = draft.case.created_by_id
        draft.contacts[person] = contact

    def co_travellers(self, draft: CaseDraft, travellers: dict[str, list[Journey]]) -> None:
        """F1: everyone on the vehicle of one of the case's journeys within a day of it."""
        for journey in draft.journeys:
            for other in travellers.get(journey.plate, []):
                gap = abs((other.day - journey.day).days)
                if other.person != journey.person and gap <= ADJACENT_DAYS:
                    reason = {"rule": "vehicle", "plate": journey.plate, "day": str(other.day)}
                    decision = "same_day" if gap == 0 else "adjacent_day"
                    self.add_contact(draft, other.person, reason, decision)

    def household(self, draft: CaseDraft, homes: dict[tuple, list[int]]) -> None:
        """F1: the people registered at the case's address, when it is a household's."""
        members = homes.get(draft.resident.home, [])
        if len(members) > HOUSEHOLD_MAX or not draft.resident.address:
            return
        reason = self._household_reason(draft.resident)
        for member in members:
            self.add_contact(draft, member, reason, "household")

    def _household_reason(self, resident: Resident) -> dict:
        """As ``tracing.proposals`` words it: the address as written, the commune's name."""
        commune = self.tree.name(resident.commune)
        return {"rule": "household", "address": resident.address, "commune": commune}

    def reported(self, draft: CaseDraft, neighbours: list[int]) -> None:
        """F1: people of the case's commune the investigation team reported."""
        rng = self.rng
        known = [person for person in neighbours if person not in draft.contacts]
        for person in rng.sample(known, min(REPORTED.draw(rng), len(known))):
            day = timezone.localdate(
                self._between(draft.confirmed_at - 72 * HOUR, draft.confirmed_at)
            )
            note = rng.choice(REPORTED_WHY).format(day=f"{day:%d/%m}")
            reason = {"rule": "investigation", "text": note}  # reason_text shows the text
            self.add_contact(draft, person, reason, "reported", source=ContactSource.INVESTIGATION)

    def traced_f1s(self, draft: CaseDraft) -> list[Contact]:
        """The confirmed F1s whose own contacts are traced (F2)."""
        confirmed = [
            contact
            for contact in draft.contacts.values()
            if contact.level == ContactLevel.F1 and contact.status == ContactStatus.CONFIRMED
        ]
        return [contact for contact in confirmed if self.rng.random() < F2_SHARE]

    def onward(
        self,
        draft: CaseDraft,
        f1: Contact,
        journeys: list[Journey],
        travellers: dict[str, list[Journey]],
        resident: Resident,
        household: list[int],
    ) -> None:
        """F2: a few of the F1's own co-travellers and household members, via the F1."""
        rng = self.rng
        found: dict[int, dict] = {}
        for journey in journeys:
            for other in travellers.get(journey.plate, []):
                if abs((other.day - journey.day).days) <= ADJACENT_DAYS:
                    found.setdefault(
                        other.person,
                        {"rule": "vehicle", "plate": journey.plate, "day": str(other.day)},
                    )
        home = self._household_reason(resident)
        for member in household:
            found.setdefault(member, home)
        candidates = [
            person
            for person in sorted(found)
            if person not in draft.contacts and person not in (f1.person_id, draft.case.person_id)
        ]
        room = F2_MAX_PER_CASE - sum(c.level == ContactLevel.F2 for c in draft.contacts.values())
        wanted = min(F2_PER_F1.draw(rng), len(candidates), max(room, 0))
        for person in rng.sample(candidates, wanted):
            self.add_contact(draft, person, found[person], "F2", level=ContactLevel.F2, via=f1)

    # -- follow-ups of confirmed contacts --------------------------------------------------------

    def follow_up_contacts(self, districts: dict[int, str], cleared: dict[int, int]) -> None:
        """A follow-up for each confirmed contact who has none; a cleared one is reopened.

        ``districts`` gives the contacts' districts of residence, ``cleared`` the cleared
        follow-ups (person -> follow-up id)."""
        rng = self.rng
        for draft in self.plan.cases:
            for contact in draft.contacts.values():
                if contact.status != ContactStatus.CONFIRMED:
                    continue
                reason = f"{contact.level} {draft.resident}"
                opened = contact.decided_at or contact.created_at
                if contact.person_id in cleared:
                    follow_up = cleared.pop(contact.person_id)
                    self.plan.updates.append((follow_up, FollowUpStatus.NEW, opened))
                    self.plan.events.append(
                        FollowUpEvent(
                            follow_up=FollowUp(pk=follow_up),
                            at=opened,
                            user_id=contact.decided_by_id,
                            status=FollowUpStatus.NEW,
                            note=reason,
                        )
                    )
                elif contact.person_id not in self.followed:
                    isolation = (
                        FollowUpStatus.ISOLATING_FACILITY
                        if contact.level == ContactLevel.F1
                        else FollowUpStatus.ISOLATING_HOME
                    )
                    steps = self._steps(isolation=isolation, count=rng.randint(1, 3))
                    self._follow_up(
                        contact.person_id,
                        districts.get(contact.person_id, ""),
                        opened,
                        reason,
                        steps,
                    )


# -- loading and saving ---------------------------------------------------------------------------


@dataclass
class TracingResult:
    follow_ups: int = 0
    events: int = 0
    overdue: int = 0  # of the new follow-ups
    cases: int = 0
    contacts: Counter = field(default_factory=Counter)  # by (level, status)

    def contacts_summary(self) -> str:
        parts = []
        for level in ContactLevel.values:
            by_status = {s: self.contacts[level, s] for s in ContactStatus.values}
            total = sum(by_status.values())
            detail = ", ".join(f"{count} {status}" for status, count in by_status.items())
            parts.append(f"{total} {level} ({detail})")
        return "; ".join(parts)


def at_risk_people(now: datetime | None = None) -> models.QuerySet:
    """The people at risk whose latest declaration (or flag) is of the last ``AT_RISK_DAYS``."""
    since = (now or timezone.now()) - timedelta(days=AT_RISK_DAYS)
    return Person.objects.exclude(risk_level=RiskLevel.NONE).filter(updated_at__gte=since)


def health_staff() -> Staff:
    """The active health staff of the districts and of the province (not those of a facility)."""
    by_district: dict[str, list[int]] = defaultdict(list)
    province_wide: list[int] = []
    profiles = StaffProfile.objects.filter(
        user__groups__name=Role.HEALTH_STAFF, user__is_active=True, facility__isnull=True
    )
    for user, district, wide in profiles.order_by("user_id").values_list(
        "user_id", "district_id", "province_wide"
    ):
        if wide:
            province_wide.append(user)
        elif district:
            by_district[district].append(user)
    return Staff(dict(by_district), province_wide)


def synthetic_cases_load(
    *,
    tree: PlaceTree,
    province_code: str,
    cases: int,
    seed: int | None = None,
    now: datetime | None = None,
) -> TracingResult:
    """Draw follow-ups for the people at risk, ``cases`` cases and their contacts, and save them.

    Reads: the people at risk, the health staff, the candidates' journeys and homes, the
    co-travellers and households of the cases and then of the traced F1s, the neighbours of
    each case, the follow-ups of the confirmed contacts. Writes: bulk inserts in one transaction.
    """
    now = now or timezone.now()
    staff = health_staff()
    generator = SyntheticTracing(
        tree=tree, province_code=province_code, staff=staff, seed=seed, now=now
    )
    rng = generator.rng
    at_risk = [
        AtRisk(*row)
        for row in at_risk_people(now)
        .order_by("pk")
        .values_list("pk", "risk_level", "updated_at", "residence_district_id", "follow_up", "case")
    ]

    # The cases: people at risk (high first) who are not cases yet, those on a coach first.
    candidates = [person for person in at_risk if person.case is None]
    rng.shuffle(candidates)
    candidates.sort(key=lambda person: person.risk_level != RiskLevel.HIGH)
    candidates = candidates[: cases * CANDIDATES_PER_CASE]
    journeys = journeys_of([person.person for person in candidates])
    chosen = generator.pick_cases(candidates, journeys, cases)
    residents = residents_of([person.person for person in chosen])
    creators = staff.province_wide or [u for users in staff.by_district.values() for u in users]
    generator.follow_up_people(at_risk, cases={person.person for person in chosen})
    for person in chosen:
        generator.confirm(
            person,
            residents[person.person],
            journeys.get(person.person, []),
            created_by=rng.choice(creators) if creators else None,
        )

    # Their F1s: co-travellers, households, people the investigation reported.
    drafts = generator.plan.cases
    travellers = co_travellers_of([j for draft in drafts for j in draft.journeys])
    homes = households_of([draft.resident for draft in drafts])
    for draft in drafts:
        generator.co_travellers(draft, travellers)
        generator.household(draft, homes)
        generator.reported(draft, neighbours_of(draft.resident))

    # F2s, through some of the confirmed F1s.
    traced = {draft.case.person_id: generator.traced_f1s(draft) for draft in drafts}
    f1_people = sorted({c.person_id for f1s in traced.values() for c in f1s})
    f1_journeys = journeys_of(f1_people)
    f1_residents = residents_of(f1_people)
    f1_travellers = co_travellers_of([j for js in f1_journeys.values() for j in js if j.plate])
    f1_homes = households_of(list(f1_residents.values()))
    for draft in drafts:
        for f1 in traced[draft.case.person_id]:
            resident = f1_residents[f1.person_id]
            members = homes_members(f1_homes, resident)
            journeys_f1 = [j for j in f1_journeys.get(f1.person_id, []) if j.plate]
            generator.onward(draft, f1, journeys_f1, f1_travellers, resident, members)

    # Follow-ups for the confirmed contacts.
    confirmed = sorted(
        {
            contact.person_id
            for draft in drafts
            for contact in draft.contacts.values()
            if contact.status == ContactStatus.CONFIRMED
        }
    )
    districts, cleared = {}, {}
    for pk, district, follow_up, status in chunked_rows(
        confirmed,
        lambda ids: Person.objects.filter(pk__in=ids).values_list(
            "pk", "residence_district_id", "follow_up", "follow_up__status"
        ),
    ):
        districts[pk] = district
        if follow_up is not None:
            generator.followed.add(pk)
            if status == FollowUpStatus.CLEARED:
                cleared[pk] = follow_up
    for draft in drafts:  # a case's follow-up says tested positive, never reopened as new
        cleared.pop(draft.case.person_id, None)
    generator.follow_up_contacts(districts, cleared)

    plan = generator.plan
    plan_save(plan)
    overdue_limit = now - timedelta(hours=OVERDUE_AFTER_HOURS)
    result = TracingResult(
        follow_ups=len(plan.follow_ups),
        events=len(plan.events),
        overdue=sum(
            f.status != FollowUpStatus.CLEARED and f.updated_at < overdue_limit
            for f in plan.follow_ups
        ),
        cases=len(plan.cases),
    )
    for level in ContactLevel.values:
        result.contacts.update((c.level, c.status) for c in plan.contacts(level))
    return result


# -- the queries ----------------------------------------------------------------------------------

CHUNK = 500  # ids or conditions per query, well within SQLite's limit on parameters


def chunked_rows(items: list, query) -> Iterable[tuple]:
    for first in range(0, len(items), CHUNK):
        yield from query(items[first : first + CHUNK])


def journeys_of(people: list[int]) -> dict[int, list[Journey]]:
    """Each person's declarations, oldest first, as journeys (plate may be empty)."""
    journeys: dict[int, list[Journey]] = defaultdict(list)
    rows = chunked_rows(
        people,
        lambda ids: (
            Declaration.objects.filter(person__in=ids)
            .order_by("person", "submitted_at", "pk")
            .values_list("person_id", "vehicle_plate", "travel_date", "submitted_at")
        ),
    )
    for row in rows:
        journeys[row[0]].append(Journey(*row))
    return dict(journeys)


def residents_of(people: list[int]) -> dict[int, Resident]:
    rows = chunked_rows(
        people,
        lambda ids: Person.objects.filter(pk__in=ids).values_list(
            "pk",
            "full_name",
            "lookup_code",
            "residence_district_id",
            "residence_commune_id",
            "residence_address",
        ),
    )
    return {row[0]: Resident(*row) for row in rows}


def co_travellers_of(journeys: list[Journey]) -> dict[str, list[Journey]]:
    """Everyone on the vehicles of ``journeys`` within a day of them, by plate: one query per
    few hundred journeys, each condition on the (plate, travel date) index."""
    spans = sorted({(j.plate, j.day) for j in journeys if j.plate})
    found: dict[str, list[Journey]] = defaultdict(list)
    seen: set[tuple] = set()

    def query(chunk):
        condition = Q()
        for plate, day in chunk:
            gap = timedelta(days=ADJACENT_DAYS)
            condition |= Q(vehicle_plate=plate, travel_date__range=(day - gap, day + gap))
        return (
            Declaration.objects.filter(condition)
            .order_by("pk")
            .values_list("pk", "person_id", "vehicle_plate", "travel_date", "submitted_at")
        )

    for pk, *row in chunked_rows(spans, query):
        if pk not in seen:  # overlapping spans of one plate find a declaration twice
            seen.add(pk)
            found[row[1]].append(Journey(*row))
    return dict(found)


def households_of(residents: list[Resident]) -> dict[tuple, list[int]]:
    """The people registered at each resident's address (district, commune, address), the
    resident too; addresses shared by more than ``HOUSEHOLD_MAX`` people are left out."""
    homes = sorted({r.home for r in residents if r.address})

    def query(chunk):
        condition = Q()
        for district, commune, address in chunk:
            condition |= Q(
                residence_district_id=district,
                residence_commune_id=commune,
                residence_address=address,
            )
        return (
            Person.objects.filter(condition)
            .order_by("pk")
            .values_list("residence_district_id", "residence_commune_id", "residence_address", "pk")
        )

    found: dict[tuple, list[int]] = defaultdict(list)
    for district, commune, address, pk in chunked_rows(homes, query):
        found[district, commune, address].append(pk)
    return {home: people for home, people in found.items() if len(people) <= HOUSEHOLD_MAX}


def homes_members(homes: dict[tuple, list[int]], resident: Resident) -> list[int]:
    return [pk for pk in homes.get(resident.home, []) if pk != resident.person]


def neighbours_of(resident: Resident) -> list[int]:
    """A few people of the resident's commune, outside their household."""
    return list(
        Person.objects.filter(
            residence_district_id=resident.district, residence_commune_id=resident.commune
        )
        .exclude(residence_address=resident.address)
        .order_by("pk")
        .values_list("pk", flat=True)[:NEIGHBOURS_READ]
    )


# -- saving ---------------------------------------------------------------------------------------


def insert(model: type[models.Model], objects: list) -> None:
    """Insert ``objects`` and give them their keys, in batches."""
    if connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objects, batch_size=BATCH)
    else:  # a database that does not return keys from bulk inserts
        for obj in objects:
            obj.save(force_insert=True)


@transaction.atomic
def plan_save(plan: Plan) -> None:
    """Cases, follow-ups, their events, the changed follow-ups, then F1s before the F2s that go
    through them; the cases' people are at high risk."""
    insert(Case, [draft.case for draft in plan.cases])
    insert(FollowUp, plan.follow_ups)
    for event in plan.events:
        event.follow_up_id = event.follow_up.pk
    FollowUpEvent.objects.bulk_create(plan.events, batch_size=BATCH)
    for follow_up, status, at in plan.updates:  # a few: the cases' and reopened ones
        FollowUp.objects.filter(pk=follow_up).update(status=status, updated_at=at)
    insert(Contact, plan.contacts(ContactLevel.F1))
    Contact.objects.bulk_create(plan.contacts(ContactLevel.F2), batch_size=BATCH)
    people = [draft.case.person_id for draft in plan.cases]
    Person.objects.filter(pk__in=people).update(risk_level=RiskLevel.HIGH)
    _people_cleared(plan)
    confirmed = {
        contact.person_id
        for level in ContactLevel.values
        for contact in plan.contacts(level)
        if contact.status == ContactStatus.CONFIRMED
    }
    _risk_set_again(sorted(confirmed))  # a confirmed contact is at risk until cleared


def _people_cleared(plan: Plan) -> None:
    """The people whose new follow-up ended cleared, left as clearing it on its page leaves them
    (``person_risk_clear``): their flags cleared, their declarations until then no longer
    counting toward their risk, which is set again by the rule (``people_risk_levels``)."""
    cleared = {
        f.person_id: f.updated_at for f in plan.follow_ups if f.status == FollowUpStatus.CLEARED
    }
    people = [Person(pk=pk, risk_cleared_at=at) for pk, at in cleared.items()]
    Person.objects.bulk_update(people, ["risk_cleared_at"], batch_size=BATCH)
    ids = sorted(cleared)
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        RiskFlag.objects.filter(person__in=chunk, cleared_at=None).update(cleared_at=timezone.now())
    _risk_set_again(ids)


def _risk_set_again(ids: list[int]) -> None:
    """The people's risk set again by the rule (``people_risk_levels``), their update times
    kept as the synthetic history drew them."""
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        by_level = defaultdict(list)
        for pk, level in people_risk_levels(chunk).items():
            by_level[level].append(pk)
        for level, pks in by_level.items():
            Person.objects.filter(pk__in=pks).update(risk_level=level)
