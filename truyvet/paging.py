"""Where a list's page starts: a page number (``?page=N``), or a position in the list's order.

Lists are paged without counting their rows (a province can have many people at risk, a name
can match thousands). Both forms are only bounded: anything that is not a number from 1 to
``last``, or not a position, shows the first page, never an error.

A page number makes the database walk every row before the page. A position (``KeyOrder``)
starts the page where the page before it ended, so that page 40 costs what page 1 costs; and as
the list changes under a reader (people at risk are updated all day, and move to its top), the
pages that follow show nobody twice and skip nobody who was still below.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ONE_MICROSECOND = dt.timedelta(microseconds=1)
# Microseconds since 1970 (17 digits reach the year 5138), and a key (18 digits fit a bigint).
POSITION = re.compile(r"([0-9]{1,17})-([0-9]{1,18})")


def page_number(request, *, last: int = 9999) -> int:
    """The page asked for, or 1 when the value is missing, not a number or out of range."""
    asked = request.GET.get("page", "1")
    if len(asked) > len(str(last)) or not asked.isdecimal():
        return 1
    number = int(asked)
    return number if 1 <= number <= last else 1


@dataclass(frozen=True)
class Position:
    """A point in a list ordered by a time, then a key: that of the row a page ended with."""

    at: dt.datetime
    key: int

    def __str__(self) -> str:
        return f"{(self.at - EPOCH) // ONE_MICROSECOND}-{self.key}"

    @classmethod
    def parse(cls, text: str | None) -> "Position | None":
        """The position written as ``str()`` writes it, or None for anything else."""
        found = POSITION.fullmatch(text or "")
        if not found:
            return None
        return cls(EPOCH + int(found[1]) * ONE_MICROSECOND, int(found[2]))


@dataclass(frozen=True)
class KeyOrder:
    """A list's order: by the time ``at``, then the key ``key`` (field paths, as in a filter),
    newest first when ``descending``. An index on the two, in that order, serves every page."""

    at: str
    key: str
    descending: bool

    def order_by(self, *, backwards: bool = False) -> tuple[str, str]:
        sign = "-" if self.descending != backwards else ""
        return f"{sign}{self.at}", f"{sign}{self.key}"

    def beyond(self, rows: QuerySet, position: Position, *, backwards: bool = False) -> QuerySet:
        """The rows after ``position`` in this order, or before it (``backwards``, nearest
        first), in that order. The first condition bounds the index scan; the second drops the
        rows of the same time up to the position's."""
        bound, earlier_time, same_time = self._conditions(position, backwards)
        beyond = Q(earlier_time) | Q(*same_time)
        return rows.filter(Q(bound)).filter(beyond).order_by(*self.order_by(backwards=backwards))

    def beyond_values(self, position: Position, connection) -> tuple:
        """The values that ``beyond`` adds to a query, in the order of its SQL, as ``connection``
        takes them: for a query compiled once (``truyvet.compiled``), run with new values. The
        same forwards and backwards: only the comparisons change."""
        bound, earlier_time, same_time = self._conditions(position, backwards=False)
        return tuple(
            _adapted(value, connection) for _lookup, value in (bound, earlier_time, *same_time)
        )

    def _conditions(self, position: Position, backwards: bool) -> tuple:
        """``beyond``'s conditions, as (lookup, value), in the order its SQL writes them."""
        later = "lt" if self.descending != backwards else "gt"
        bound = (f"{self.at}__{later}e", position.at)
        earlier_time = (f"{self.at}__{later}", position.at)
        same_time = ((self.at, position.at), (f"{self.key}__{later}", position.key))
        return bound, earlier_time, same_time

    def position_of(self, row) -> Position:
        """Where ``row`` stands in this order."""
        return Position(_value(row, self.at), _value(row, self.key))


def _adapted(value, connection):
    """A position's value as the database takes it: a time as a DateTimeField sends it."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _value(row, path: str):
    for name in path.split("__"):
        row = getattr(row, name)
    return row


# The query's names of the positions: after one ("Older"), before one ("Newer").
AFTER, BEFORE = "sau", "truoc"


@dataclass(frozen=True)
class PageStart:
    """Where a page of ``rows`` (a list in ``order``) is read from: the list's beginning, or
    after ``position`` (before it, nearest first, when ``backwards``)."""

    rows: QuerySet
    order: KeyOrder
    position: Position | None = None
    backwards: bool = False

    def query(self) -> QuerySet:
        """The rows from here on."""
        if self.position is None:
            return self.rows
        return self.order.beyond(self.rows, self.position, backwards=self.backwards)

    @property
    def kind(self) -> str:
        """``first``, ``after`` or ``before``: the shape of ``query``'s SQL, whatever the
        position."""
        if self.position is None:
            return "first"
        return "before" if self.backwards else "after"


@dataclass(frozen=True)
class KeyedPage:
    """A page of a list in a ``KeyOrder``, and the positions its links carry: "Newer" (none on
    the first page) and "Older" (none on the last)."""

    rows: list
    newer: Position | None
    older: Position | None


def keyed_page(request, rows: QuerySet, order: KeyOrder, size: int, read) -> KeyedPage:
    """The page of ``rows`` that the request asks for: the first, or the one after (``?sau=``)
    or before (``?truoc=``) a position. ``read(start, limit)`` reads the first ``limit`` rows
    from a ``PageStart`` (``start.query()``) as a list (with what the list's rows show besides:
    places, assignees).

    A page before a position that comes to fewer than ``size`` rows is the first page, as it is
    now. A page after a position left empty (everyone after it has moved up) links back.
    """
    after = Position.parse(request.GET.get(AFTER))
    before = None if after else Position.parse(request.GET.get(BEFORE))
    if before:
        found = read(PageStart(rows, order, before, backwards=True), size + 1)[::-1]
        if len(found) <= size:
            before, found = None, read(PageStart(rows, order), size + 1)
    else:
        found = read(PageStart(rows, order, after), size + 1)
    shown = found[1:] if before else found[:size]
    newer = None
    if before or after:
        newer = order.position_of(shown[0]) if shown else after
    has_older = bool(before) or len(found) > size
    return KeyedPage(shown, newer, order.position_of(shown[-1]) if shown and has_older else None)


def without_position(request) -> str:
    """The request's query without the page's position: what a list's filters are."""
    query = request.GET.copy()
    for name in (AFTER, BEFORE):
        query.pop(name, None)
    return query.urlencode()
