"""Zoning (khoanh vùng): the communes a set of cases involves, with how many people in each.

A commune is involved when a case (F0) or one of its contacts (F1, F2; confirmed, and proposed
ones if asked) lives there, or went there: the destination of a declaration whose travel date
falls in the last ``ZONING_DAYS`` days. Two grouped queries read the (person, commune) pairs,
whatever the number of people; the counts are taken from those pairs.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, Person
from declarations.places import place_tree, served_province_code
from tracing.models import Case, Contact, ContactStatus

ZONING_DAYS = 14

ZONING_HEADERS = [
    _("No."),
    _("Commune / ward"),
    _("District"),
    _("Province / city"),
    _("People living there"),
    _("People who went there"),
    _("People in all"),
]


@dataclass(frozen=True)
class CommuneCount:
    code: str
    commune: str
    district: str
    province: str  # empty for the province served
    living: int
    went: int
    total: int


@dataclass(frozen=True)
class Zoning:
    communes: list[CommuneCount]
    cases: int
    people: int
    since: date

    def cells(self):
        """The rows of ``ZONING_HEADERS``, in order."""
        for number, row in enumerate(self.communes, start=1):
            yield [
                number,
                row.commune,
                row.district,
                row.province,
                row.living,
                row.went,
                row.total,
            ]


def people_involved(cases: QuerySet[Case], *, include_proposed: bool) -> QuerySet[Person]:
    """The cases' people and their contacts (confirmed; proposed too if asked), as a query."""
    statuses = [ContactStatus.CONFIRMED]
    if include_proposed:
        statuses.append(ContactStatus.PROPOSED)
    contacts = Contact.objects.filter(case__in=cases, status__in=statuses)
    # One set (UNION), not two OR'ed: PostgreSQL reads a person per key of the set, where "in
    # the cases OR in the contacts" made it read every person (130 ms among 700,000 people).
    # Unordered: SQLite takes no ORDER BY inside a UNION.
    involved = cases.order_by().values("person").union(contacts.order_by().values("person"))
    return Person.objects.filter(pk__in=involved)


def zoning_for(
    cases: QuerySet[Case], *, include_proposed: bool = False, today: date | None = None
) -> Zoning:
    """The communes involved, most people first."""
    since = (today or timezone.localdate()) - timedelta(days=ZONING_DAYS)
    people = people_involved(cases, include_proposed=include_proposed)
    living, went = defaultdict(set), defaultdict(set)
    everyone = set()
    for person_id, commune in people.values_list("pk", "residence_commune"):
        living[commune].add(person_id)
        everyone.add(person_id)
    journeys = (
        Declaration.objects.filter(person__in=people, travel_date__gte=since)
        .values_list("to_commune", "person")
        .distinct()
    )
    for commune, person_id in journeys:
        went[commune].add(person_id)
    communes = [_commune_count(code, living[code], went[code]) for code in set(living) | set(went)]
    communes.sort(key=lambda c: (-c.total, -c.living, -c.went, c.district, c.commune))
    return Zoning(communes=communes, cases=cases.count(), people=len(everyone), since=since)


def _commune_count(code: str, living: set, went: set) -> CommuneCount:
    tree = place_tree()
    commune = tree.get(code)
    district = tree.get(commune.parent_code) if commune else None
    province_code = district.parent_code if district else ""
    return CommuneCount(
        code=code,
        commune=commune.name if commune else code,
        district=district.name if district else "",
        province="" if province_code == served_province_code() else tree.name(province_code),
        living=len(living),
        went=len(went),
        total=len(living | went),
    )
