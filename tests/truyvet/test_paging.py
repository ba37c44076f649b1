import pytest
from django.test import RequestFactory

from truyvet.paging import page_number


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
