import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory

from declarations.models import Person
from truyvet.paging import KeyOrder, Position, page_number


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 1),
        ("?page=3", 3),
        ("?page=9999", 9999),
        ("?page=10000", 1),
        ("?page=0", 1),
        ("?page=-2", 1),
        ("?page=abc", 1),
        ("?page=%C2%B2", 1),  # "²" passes str.isdigit, but int() refuses it
        ("?page=" + "9" * 400, 1),
    ],
)
def test_the_page_asked_for_or_the_first(query, expected):
    assert page_number(RequestFactory().get("/" + query)) == expected


def test_a_list_can_stop_earlier():
    request = RequestFactory().get("/?page=1000")
    assert page_number(request, last=999) == 1
    assert page_number(RequestFactory().get("/?page=999"), last=999) == 999


def test_a_position_reads_back_as_it_was_written_to_the_microsecond():
    at = dt.datetime(2026, 12, 5, 5, 43, 20, 123456, tzinfo=dt.UTC)
    written = str(Position(at, 42))
    assert written == "1796449400123456-42"
    assert Position.parse(written) == Position(at, 42)
    other_zone = at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert str(Position(other_zone, 42)) == written


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "42",
        "-1-2",
        "1796449400123456",
        "1796449400123456-",
        "a-1",
        "1-²",
        "1-٣",
        "1 -2",
        "1-2-3",
        "9" * 18 + "-1",
        "1-" + "9" * 19,
    ],
)
def test_anything_else_is_no_position(text):
    assert Position.parse(text) is None


def test_an_order_walks_backwards_nearest_first():
    newest_first = KeyOrder("updated_at", "id", descending=True)
    assert newest_first.order_by() == ("-updated_at", "-id")
    assert newest_first.order_by(backwards=True) == ("updated_at", "id")
    waiting = KeyOrder("follow_up__updated_at", "follow_up__id", descending=False)
    assert waiting.order_by(backwards=True) == ("-follow_up__updated_at", "-follow_up__id")


@pytest.mark.django_db
@pytest.mark.parametrize("backwards", [False, True])
def test_the_values_beyond_adds_are_those_it_says_in_the_order_of_its_sql(backwards):
    """``beyond_values`` is what a query compiled once is run with on a later page: the
    parameters of the list's query come first, then these, as the database takes them."""
    order = KeyOrder("updated_at", "id", descending=True)
    rows = Person.objects.filter(risk_level="high", birth_year__gte=1990).order_by(
        *order.order_by()
    )
    position = Position(dt.datetime(2026, 12, 5, 5, 43, 20, 123456, tzinfo=dt.UTC), 42)
    _sql, list_values = rows.query.sql_with_params()
    _sql, page_values = order.beyond(rows, position, backwards=backwards).query.sql_with_params()
    assert tuple(page_values) == (*list_values, *order.beyond_values(position, connection))
