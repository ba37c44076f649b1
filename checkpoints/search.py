"""The desk search: one box that takes a code, a phone, an ID number, a plate or a name."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from declarations import codes
from declarations.models import Declaration, Person
from declarations.normalize import (
    fold_name,
    normalize_id_number,
    normalize_phone,
    normalize_plate,
)
from truyvet.paging import KeyOrder

MIN_NAME_LENGTH = 2
NEWEST_FIRST = KeyOrder("updated_at", "id", descending=True)  # the results' order (and pages')
MANY_EXACT_NAMES = 21  # more than one page of results
BY_CODE = pgettext_lazy("searched by", "lookup code")
BY_PHONE = pgettext_lazy("searched by", "phone number")
BY_ID = pgettext_lazy("searched by", "ID number")
BY_PLATE = pgettext_lazy("searched by", "vehicle plate")
BY_NAME = pgettext_lazy("searched by", "name")


@dataclass
class SearchResult:
    kind: str  # what the text was read as, for the results page
    people: QuerySet | None = None
    exact: Person | None = None  # one exact code match: open the person at once


def search_people(text: str, *, by_code: bool = True) -> SearchResult:
    """Read ``text`` as, in order: a lookup code (or the staff link holding it), a phone number,
    an ID number, a vehicle plate, then a name typed with or without accents. ``by_code``:
    whether to try the code at all (not for a user who has guessed too many)."""
    text = (text or "").strip()[:200]
    people = Person.objects.order_by(*NEWEST_FIRST.order_by())  # the page adds the places
    code = codes.parse_code(text) if by_code else None
    if code:
        # As at /c/<code>/: a code merged away with a duplicate opens the person it joined.
        exact = people.by_code(code)
        if exact is not None:
            return SearchResult(BY_CODE, exact=exact)
    if phone := normalize_phone(text):
        return SearchResult(BY_PHONE, people.filter(phone=phone))
    if id_number := normalize_id_number(text):
        return SearchResult(BY_ID, people.filter(id_number=id_number))
    if plate := normalize_plate(text):
        travellers = Declaration.objects.filter(vehicle_plate=plate).values("person_id")
        return SearchResult(BY_PLATE, people.filter(id__in=travellers))
    name = fold_name(text)
    if len(name) < MIN_NAME_LENGTH:
        return SearchResult(BY_NAME, people.none())
    exact = people.filter(name_folded=name)
    if exact[:MANY_EXACT_NAMES].count() >= MANY_EXACT_NAMES:
        # A full name typed exactly and shared by many: its own index answers at once.
        return SearchResult(BY_NAME, exact)
    return SearchResult(BY_NAME, people.filter(name_folded__contains=name))
