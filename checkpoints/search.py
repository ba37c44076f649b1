"""The desk search: one box that takes a code, a phone, an ID number, a plate or a name."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from accounts.audit import audit
from accounts.models import AuditAction
from declarations import codes
from declarations.models import Declaration, Person
from declarations.normalize import (
    fold_name,
    normalize_id_number,
    normalize_phone,
    normalize_plate,
)
from declarations.places import with_places
from declarations.services import plate_of_poster
from declarations.views import code_miss_count, code_misses_exceeded
from truyvet.paging import KeyOrder, PageStart, keyed_page

MIN_NAME_LENGTH = 2
RESULTS_PER_PAGE = 20
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
    code: str = ""  # the code that found ``exact``


@dataclass
class SearchPage:
    """What a staff search page shows: one person to open at once, or the page of results."""

    exact: Person | None = None
    refused: bool = False  # too many codes guessed: answer 429
    context: dict = field(default_factory=dict)
    code: str = ""  # the code that found ``exact``: its own, or one merged into it

    @property
    def exact_path(self) -> str:
        """The person's page, at the code typed: a merged code's page says it was merged."""
        return codes.staff_path(self.code)


def staff_search(request, text: str, *, among: QuerySet[Person] | None = None) -> SearchPage:
    """The search of a staff page (the desk, the health staff's), audited, among the people the
    user may see (``among``; everyone by default).

    A code typed here is a code tried as at /c/<code>/: its misses count the same. Text of a
    code's shape may be a name typed without accents ("lo thi hoa"): a miss is text that found
    nobody, read as a code or otherwise. A code outside ``among`` is a code nobody has."""
    code_shaped = codes.parse_code(text) is not None and normalize_plate(text) is None
    refused = code_shaped and code_misses_exceeded(request)
    result = search_people(text, by_code=not refused, among=among)
    if result.exact is not None:
        audit(request, AuditAction.SEARCH, detail=text)  # the person's page audits its view
        return SearchPage(exact=result.exact, code=result.code)
    context = {"result": result, "query": text, **_page(request, result.people)}
    # Too short to search by (a key pressed by mistake): not "nobody found, declare for them".
    context["too_short"] = result.kind == BY_NAME and len(fold_name(text)) < MIN_NAME_LENGTH
    # The results name people: the entry holds their codes, so a search by a code finds it.
    shown = [person.lookup_code for person in context["people"]]
    audit(request, AuditAction.SEARCH, detail=text, shown=shown)
    if code_shaped and not context["people"] and not context["newer"]:
        if refused:
            return SearchPage(refused=True)
        code_miss_count(request)
        if _reads_as_code(text):
            context["unknown_code"] = codes.format_code(codes.parse_code(text))
    return SearchPage(context=context)


def _reads_as_code(text: str) -> bool:
    """Whether text of a code's shape that found nobody was meant as a code (mistyped or
    misread: the user is told so) rather than a name typed without accents ("lo thi hoa",
    words apart and no digits)."""
    text = text.strip()
    return any(char.isdigit() for char in text) or not any(char.isspace() for char in text)


def _page(request, people) -> dict:
    """One page of results, newest first, without counting them all (names can match many):
    the first, or one before or after a position (``truyvet.paging.keyed_page``)."""
    page = keyed_page(request, people, NEWEST_FIRST, RESULTS_PER_PAGE, read=_with_districts)
    return {"people": page.rows, "newer": page.newer, "older": page.older}


def _with_districts(start: PageStart, limit: int) -> list:
    """The rows of a page, with their districts and when each person last declared."""
    return with_places(start.query().with_last_declared()[:limit], "residence_district")


def search_people(
    text: str, *, by_code: bool = True, among: QuerySet[Person] | None = None
) -> SearchResult:
    """Read ``text`` as, in order: a lookup code (or the staff link holding it), a phone number,
    an ID number, a vehicle plate, then a name typed with or without accents. ``by_code``:
    whether to try the code at all (not for a user who has guessed too many); ``among``: the
    people to search (everyone by default)."""
    text = (text or "").strip()[:200]
    people = Person.objects.all() if among is None else among
    people = people.order_by(*NEWEST_FIRST.order_by())  # the page adds the places
    code = codes.parse_code(text) if by_code else None
    if code:
        # As at /c/<code>/: a code merged away with a duplicate opens the person it joined.
        exact = people.by_code(code)
        if exact is not None:
            return SearchResult(BY_CODE, exact=exact, code=code)
    if phone := normalize_phone(text):
        return SearchResult(BY_PHONE, people.with_phone(phone))
    if id_number := normalize_id_number(text):
        return SearchResult(BY_ID, people.filter(id_number=id_number))
    if plate := normalize_plate(text) or plate_of_poster(text):
        travellers = Declaration.objects.filter(vehicle_plate=plate).values("person_id")
        return SearchResult(BY_PLATE, people.filter(id__in=travellers))
    name = fold_name(text)
    if len(name) < MIN_NAME_LENGTH:
        return SearchResult(BY_NAME, people.none())
    exact = people.filter(name_folded=name)
    if exact[:MANY_EXACT_NAMES].count() >= MANY_EXACT_NAMES:
        # A full name typed exactly and shared by many: its own index answers at once.
        return SearchResult(BY_NAME, exact)
    return SearchResult(BY_NAME, people.with_name_containing(name))
